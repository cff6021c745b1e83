// ConfigState on the data dir's config.db (config-store.ts keeps the file, its schema and
// migrations): the embedded default. The store's methods are synchronous; here they are answered
// as promises, and a transaction that spans awaits (the editor's) is one BEGIN IMMEDIATE … COMMIT on
// the connection, one at a time: every write outside it waits its turn, so nothing else slips into
// it. Another process (`hallmon config`) waits on SQLite's busy timeout; its commits change
// data_version, the mark the server polls.
import type { ConfigState } from '../state/state.ts';
import type { ConfigStore, Credential, NewVersion, SiteVersion, StoredEdgeState } from './config-store.ts';

export class SqliteConfig implements ConfigState {
  /** The tail of the writers' queue (transactions and single writes, in turn). */
  private queue: Promise<unknown> = Promise.resolve();

  /** `inTx`: this handle is a transaction's (writes run at once, inside it). */
  constructor(
    readonly store: ConfigStore,
    private readonly inTx = false,
  ) {}

  get where(): string {
    return this.store.file;
  }

  /** Runs a write in turn with the transactions (at once inside one). */
  private write<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.inTx) return Promise.resolve().then(fn);
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async changeMark(): Promise<number> {
    return this.store.dataVersion();
  }

  async isEmpty(): Promise<boolean> {
    return this.store.isEmpty();
  }

  async latest(): Promise<Map<string, SiteVersion>> {
    return this.store.latest();
  }

  async current(site: string): Promise<SiteVersion | undefined> {
    return this.store.current(site);
  }

  async version(site: string, version: number): Promise<SiteVersion | undefined> {
    return this.store.version(site, version);
  }

  async history(site: string): Promise<SiteVersion[]> {
    return this.store.history(site);
  }

  commit(v: NewVersion): Promise<SiteVersion> {
    return this.write(() => this.store.commit(v));
  }

  async credentials(q: { site?: string; active?: boolean } = {}): Promise<Credential[]> {
    return this.store.credentials(q);
  }

  async credential(id: string): Promise<Credential | undefined> {
    return this.store.credential(id);
  }

  addCredential(c: Omit<Credential, 'revokedAt' | 'revokedBy'>): Promise<Credential> {
    return this.write(() => this.store.addCredential(c));
  }

  revokeCredential(id: string, by: string, at = Date.now()): Promise<boolean> {
    return this.write(() => this.store.revokeCredential(id, by, at));
  }

  setEdgeState(s: StoredEdgeState): Promise<void> {
    return this.write(() => this.store.setEdgeState(s));
  }

  async edgeStates(): Promise<Map<string, StoredEdgeState>> {
    return this.store.edgeStates();
  }

  async importedHash(file: string): Promise<string | undefined> {
    return this.store.importedHash(file);
  }

  markImported(file: string, sha256: string, at = Date.now()): Promise<void> {
    return this.write(() => this.store.markImported(file, sha256, at));
  }

  transaction<T>(fn: (tx: ConfigState) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    const tx = new SqliteConfig(this.store, true);
    return this.write(async () => {
      this.store.begin();
      try {
        const out = await fn(tx);
        this.store.end(true);
        return out;
      } catch (err) {
        this.store.end(false);
        throw err;
      }
    });
  }
}
