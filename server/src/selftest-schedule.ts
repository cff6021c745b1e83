// Runs a site's self-test automatically when its config asks for it (`selftest: { everyDays: 7,
// at: "10:00" }`): checked once a minute; due in the half hour after the site-local `at` when the
// last scheduled run is (nearly) everyDays old. With several servers only the site's owner runs it.
import type { Logger, SiteConfig } from '@hallmon/firmware-config';
import type { SelftestLog, SelftestRunner } from './selftest.ts';
import type { DutyLeases } from './state/state.ts';

const HOUR = 3_600_000;

function localHhmm(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
}

/** Minutes after `at` in which a due run still starts (a server restarted at 10:05 still runs the 10:00 test). */
const WINDOW_MIN = 30;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Pure: is the scheduled self-test due at `now`? Only within WINDOW_MIN after the site-local `at`. */
export function selftestDue(
  schedule: { everyDays: number; at: string },
  timeZone: string,
  lastStart: number | null,
  now: number,
): boolean {
  const since = minutes(localHhmm(now, timeZone).replace(/^24/, '00')) - minutes(schedule.at);
  if (since < 0 || since >= WINDOW_MIN) return false;
  // Two hours of slack so that a run a little after `at` does not push the next one a day later.
  return lastStart === null || now - lastStart >= schedule.everyDays * 24 * HOUR - 2 * HOUR;
}

export class SelftestScheduler {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** Which sites this server runs the schedule of (default every one). */
  leases: Pick<DutyLeases, 'owns'> | undefined;

  constructor(
    /** Read on every check, so a site added or changed later is scheduled too. */
    private readonly sites: ReadonlyMap<string, SiteConfig>,
    private readonly runner: SelftestRunner,
    private readonly log: SelftestLog,
    private readonly logger: Logger,
    private readonly everyMs = 60_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.round(), this.everyMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const s of [...this.sites.values()].filter((x) => x.selftest)) {
        if (this.runner.isRunning(s.id) || !(this.leases?.owns(s.id) ?? true)) continue;
        const last = await this.log.lastStart(s.id, 'schedule');
        if (!selftestDue(s.selftest!, s.timezone, last, Date.now())) continue;
        this.runner
          .run(s.id, 'schedule')
          .then((r) =>
            r.ok
              ? this.logger.info({ site: s.id }, 'scheduled self-test passed')
              : this.logger.error(
                  { site: s.id, failures: r.failures },
                  'scheduled self-test FAILED: alarms may not reach people; check the notification routes',
                ),
          )
          .catch((err) =>
            this.logger.error({ site: s.id, err: (err as Error).message }, 'scheduled self-test could not run'),
          );
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'self-test schedule check failed; trying again next minute');
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
