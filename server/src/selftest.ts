// Self-test of the alarm path: injects a TEST alarm (rule and clause 'selftest', severity warning,
// marked 【测试】) through the real path -> store -> live push -> notification routes, then clears
// it, and records what happened (raised at, delivered to which routes at which times, failures) so
// that the evidence pack can show the alarm chain was proven to work.
import type { DeliveryState } from './state/state.ts';
import type { AlarmHub } from './alarms/alarm-hub.ts';
import type { DeliveryOutcome } from './notify/notifier.ts';
import type { StoredAlarm } from './store/store.ts';

export type SelftestTrigger = 'api' | 'cli' | 'schedule';

export interface SelftestDelivery extends DeliveryOutcome {
  event: 'raised' | 'cleared';
}

export interface SelftestRecord {
  id: string;
  site: string;
  trigger: SelftestTrigger;
  user: string | null;
  alarmId: string;
  startedAt: string;
  raisedAt: string | null;
  clearedAt: string | null;
  finishedAt: string;
  ok: boolean;
  /** Notification routes the test alarm went to. */
  routes: string[];
  deliveries: SelftestDelivery[];
  failures: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The self-test records, kept beside the delivery log (DeliveryState). */
export class SelftestLog {
  constructor(private readonly deliveries: DeliveryState) {}

  save(r: SelftestRecord): Promise<void> {
    return this.deliveries.saveSelftest(r);
  }

  list(site: string, limit = 100): Promise<SelftestRecord[]> {
    return this.deliveries.listSelftests(site, limit);
  }

  /** Start of the newest self-test of a trigger kind, epoch ms (scheduling). */
  lastStart(site: string, trigger: SelftestTrigger): Promise<number | null> {
    return this.deliveries.lastSelftestStart(site, trigger);
  }
}

export class SelftestRunner {
  private readonly running = new Set<string>();

  constructor(
    private readonly hub: AlarmHub,
    private readonly log: SelftestLog,
    private readonly routesFor: (a: StoredAlarm) => { id: string }[],
  ) {}

  isRunning(site: string): boolean {
    return this.running.has(site);
  }

  async run(site: string, trigger: SelftestTrigger, user: string | null = null): Promise<SelftestRecord> {
    if (this.running.has(site))
      throw new Error(`a self-test of site "${site}" is already running; wait for it to finish`);
    this.running.add(site);
    const started = Date.now();
    const failures: string[] = [];
    const deliveries: SelftestDelivery[] = [];
    const raise: StoredAlarm = {
      id: `${site}:selftest:selftest:${started}`,
      site,
      clause: 'selftest',
      rule: 'selftest',
      sensor: 'selftest',
      severity: 'warning',
      state: 'raised',
      ts: started,
      startedAt: started,
      message: '【测试】系统自检告警，无需处理 / TEST alarm from the hallmon self-test, no action needed',
    };
    const routes = this.routesFor(raise).map((r) => r.id);
    let raisedAt: number | null = null;
    let clearedAt: number | null = null;
    try {
      const out = await this.hub.publish(site, [raise]);
      raisedAt = started;
      deliveries.push(...out.map((d) => ({ ...d, event: 'raised' as const })));
      const end = Date.now();
      const clear: StoredAlarm = { ...raise, state: 'cleared', ts: end, clearedAt: end };
      const outClear = await this.hub.publish(site, [clear]);
      clearedAt = end;
      deliveries.push(...outClear.map((d) => ({ ...d, event: 'cleared' as const })));
    } catch (err) {
      failures.push(`the test alarm could not be stored: ${(err as Error).message}`);
    } finally {
      this.running.delete(site);
    }
    for (const d of deliveries)
      if (!d.delivered)
        failures.push(`route ${d.routeId} (${d.event}): ${d.error ?? 'not delivered'} after ${d.attempts} attempts`);
    if (routes.length === 0)
      failures.push('no enabled notification routes for this site: only the store and the live dashboard were tested');
    const record: SelftestRecord = {
      id: `${site}:${started}`,
      site,
      trigger,
      user,
      alarmId: raise.id,
      startedAt: iso(started),
      raisedAt: raisedAt === null ? null : iso(raisedAt),
      clearedAt: clearedAt === null ? null : iso(clearedAt),
      finishedAt: iso(Date.now()),
      ok: raisedAt !== null && clearedAt !== null && routes.length > 0 && deliveries.every((d) => d.delivered),
      routes,
      deliveries,
      failures,
    };
    await this.log.save(record);
    return record;
  }
}
