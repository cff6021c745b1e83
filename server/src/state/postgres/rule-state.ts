// The rules runtime's snapshot of one site in PostgreSQL (the rules package's StateStore, whose
// methods are synchronous): loaded once when the site's owner starts its runtime, saved in the
// background (the newest snapshot wins; a save never waits for the one before to finish), and
// flushed when the runtime stops, so the next owner of the site resumes where this one stopped.
import type { StateStore } from '@hallmon/rules';
import type { Logger } from '@hallmon/firmware-config';
import type { Pool } from './pool.ts';

export class PgRuleState implements StateStore {
  private snapshot: unknown;
  private next: string | undefined;
  private writing: Promise<void> | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly site: string,
    private readonly log: Logger,
    loaded: string | undefined,
  ) {
    this.where = `rule_state/${site}`;
    this.loadedText = loaded;
  }

  readonly where: string;
  private readonly loadedText: string | undefined;

  static async open(pool: Pool, site: string, log: Logger): Promise<PgRuleState> {
    const { rows } = await pool.query<{ snapshot: string }>('SELECT snapshot FROM rule_state WHERE site = $1', [site]);
    return new PgRuleState(pool, site, log, rows[0]?.snapshot);
  }

  load(): unknown {
    if (this.loadedText === undefined) return undefined;
    this.snapshot ??= JSON.parse(this.loadedText) as unknown;
    return this.snapshot;
  }

  save(snapshot: unknown): void {
    this.next = JSON.stringify(snapshot);
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
  }

  private async drain(): Promise<void> {
    while (this.next !== undefined) {
      const text = this.next;
      this.next = undefined;
      try {
        await this.pool.query(
          `INSERT INTO rule_state (site, snapshot, saved_at) VALUES ($1, $2, $3)
           ON CONFLICT (site) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at`,
          [this.site, text, Date.now()],
        );
      } catch (err) {
        this.log.warn(
          { site: this.site, err: (err as Error).message },
          'could not save the rules state; retrying with the next snapshot',
        );
      }
    }
  }

  /** Waits for the last snapshot to be written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  setAside(): string {
    const aside = `${this.site}.bad-${Date.now()}`;
    void this.pool
      .query('UPDATE rule_state SET site = $1 WHERE site = $2', [aside, this.site])
      .catch((err: Error) =>
        this.log.warn({ site: this.site, err: err.message }, 'could not set the rules state aside'),
      );
    return `rule_state/${aside}`;
  }
}
