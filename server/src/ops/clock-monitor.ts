// Edge clocks (docs/alarms.md, "System alarms"; docs/contract.md, the clock topic). Readings are
// stamped by the edge, and every clause is judged in event time, so an edge whose clock is off puts
// the evidence at risk (hall PCs drift, and a PC that never synchronises drifts for good). Each edge
// reports its own time when it sends (sentAt) and whether its OS says it is synchronised; the
// server compares sentAt with its receive time. Off by more than 5 s is a device fault: a warning
// alarm (rule clock-skew, sensor = the edge, clause system), critical beyond 5 minutes (its readings
// then look like the future and are refused); cleared when the clock is back within 5 s, when a
// device_fault event (fault clock-skew, start and end) records the episode for the evidence pack.
import { MAX_CLOCK_SKEW_MS, MAX_FUTURE_MS, LevelAlarm, type AlarmLevel, type Logger } from '@hallmon/firmware-config';
import { alarmFromRecord } from '../api/wire-json.ts';
import type { ClockSample } from '../ingest/validate-payload.ts';
import type { Store, StoredAlarm, StoredEvent } from '../store/store.ts';
import { CLOCK_RULE } from '../evidence/steps/clock-faults.ts';

export interface ClockState {
  site: string;
  edge: string;
  /** Edge clock minus server clock at the last report, ms (positive: the edge is ahead). */
  offsetMs: number;
  synced: boolean | null;
  source: string | null;
  /** Server time of the last report. */
  reportedAt: number;
  level: AlarmLevel;
  /** When the current fault began (server time), if there is one. */
  faultSince: number | null;
}

export interface ClockMonitorOptions {
  store: Store;
  publish: (site: string, alarms: StoredAlarm[]) => void;
  log: Logger;
}

interface Tracked {
  state: ClockState;
  alarm: LevelAlarm;
  /** Reports received while off, and the largest offset, for the episode's device_fault event. */
  episode: { reports: number; worstMs: number } | null;
}

export function clockLevel(offsetMs: number): AlarmLevel {
  const off = Math.abs(offsetMs);
  return off >= MAX_FUTURE_MS ? 'critical' : off > MAX_CLOCK_SKEW_MS ? 'warning' : 'ok';
}

function describe(offsetMs: number, synced: boolean | null): string {
  const s = Math.abs(offsetMs / 1000).toFixed(1);
  const dir = offsetMs > 0 ? 'ahead of' : 'behind';
  const os =
    synced === true
      ? 'its OS says it is synchronised'
      : synced === false
        ? 'its OS says it is NOT synchronised: enable time synchronisation (NTP) on the hall PC'
        : 'its OS did not say whether it is synchronised';
  return `edge clock ${s} s ${dir} the server's; ${os}`;
}

export class ClockMonitor {
  private readonly edges = new Map<string, Tracked>();

  constructor(private readonly opts: ClockMonitorOptions) {}

  /** Takes over clock alarms a previous run left raised, so they are cleared instead of raised twice. */
  async resume(sites: Iterable<string>): Promise<void> {
    for (const site of sites) {
      const active = await this.opts.store.readAlarms({ site, state: 'active' });
      for (const a of active.filter((x) => x.rule === CLOCK_RULE)) {
        const t = this.tracked(site, a.sensor);
        t.alarm.resume(a);
        t.state.level = a.severity;
        t.state.faultSince = a.startedAt;
        t.episode = { reports: 0, worstMs: 0 };
      }
    }
  }

  private tracked(site: string, edge: string): Tracked {
    const key = `${site}\u0000${edge}`;
    let t = this.edges.get(key);
    if (!t) {
      t = {
        state: {
          site,
          edge,
          offsetMs: 0,
          synced: null,
          source: null,
          reportedAt: 0,
          level: 'ok',
          faultSince: null,
        },
        alarm: new LevelAlarm({ site, rule: CLOCK_RULE, sensor: edge }),
        episode: null,
      };
      this.edges.set(key, t);
    }
    return t;
  }

  /** The ingest hook: one or more clock reports of a site. */
  report(site: string, samples: ClockSample[]): void {
    for (const s of samples) {
      const t = this.tracked(site, s.edge);
      const offsetMs = s.sentAt - s.receivedAt;
      const level = clockLevel(offsetMs);
      const wasOk = t.state.level === 'ok';
      const since = t.state.faultSince;
      const message = describe(offsetMs, s.synced);
      t.state = {
        ...t.state,
        offsetMs,
        synced: s.synced,
        source: s.source,
        reportedAt: s.receivedAt,
        level,
        faultSince: level === 'ok' ? null : (t.state.faultSince ?? s.receivedAt),
      };
      if (level !== 'ok') {
        t.episode ??= { reports: 0, worstMs: 0 };
        t.episode.reports++;
        if (Math.abs(offsetMs) > Math.abs(t.episode.worstMs)) t.episode.worstMs = offsetMs;
        if (wasOk) this.opts.log.warn({ site, edge: s.edge, offsetMs, synced: s.synced }, message);
      }
      const records = t.alarm.update(level, s.receivedAt, Math.abs(offsetMs) / 1000, MAX_CLOCK_SKEW_MS / 1000, message);
      const alarms = records.map(alarmFromRecord).filter((a): a is StoredAlarm => a !== null);
      if (alarms.length) this.opts.publish(site, alarms);
      if (level === 'ok' && !wasOk) this.endEpisode(t, since ?? s.receivedAt, s.receivedAt, offsetMs);
    }
  }

  /** The episode is over: a device_fault event with its span records it (evidence, devices page). */
  private endEpisode(t: Tracked, start: number, at: number, offsetMs: number): void {
    const worst = t.episode?.worstMs ?? offsetMs;
    const event: StoredEvent = {
      site: t.state.site,
      device: t.state.edge,
      type: 'device_fault',
      ts: at,
      fault: CLOCK_RULE,
      count: t.episode?.reports ?? 0,
      start,
      end: at,
      detail: `clock off by up to ${(worst / 1000).toFixed(1)} s (${worst > 0 ? 'ahead' : 'behind'}); back within ${MAX_CLOCK_SKEW_MS / 1000} s`,
    };
    t.episode = null;
    this.opts.log.info({ site: t.state.site, edge: t.state.edge }, 'edge clock back within 5 s of the server');
    this.opts.store
      .writeEvents([event])
      .catch((err) => this.opts.log.error({ err: (err as Error).message }, 'could not store the clock fault record'));
  }

  /** Every edge heard from, with its last report. */
  states(site?: string): ClockState[] {
    return [...this.edges.values()].map((t) => t.state).filter((s) => (site ? s.site === site : true));
  }
}
