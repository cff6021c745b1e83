// workload-balance: windows whose day's work differs far from the others (Qingpu 2021 rules 五.8
// "每个综合受理窗口受理各类业务应均衡，不堆积，否则扣1-2分"). Per site-local day, the tickets served by
// each window that served at least one; when the hall served at least params.minServedPerDay (40)
// with two or more windows, a window more than params.maxDeviationPct (50) % above or below the
// windows' mean is a finding "workload-imbalance" (peak: its tickets as % of the mean; count: its
// tickets), judged when event time passes the day's end; its warning stays up until the end of the
// next day, as the evaluation rate's does. Exactly the limit is not beyond it.
import type { EventType } from '@hallmon/firmware-config/core';
import { excursion, round6 } from '../alarm.ts';
import type { Bound, Out } from '../types.ts';
import { OrderedZoneRule, type Input, type OrderedState } from './ordered.ts';
import type { RuleKindSpec } from './spec.ts';

interface Day {
  start: number;
  end: number;
  served: Record<string, number>;
}

interface State extends OrderedState {
  days: Record<string, Day>;
}

const TYPES: ReadonlySet<EventType> = new Set<EventType>(['ticket_served']);

export class WorkloadBalanceRule extends OrderedZoneRule<State> {
  protected readonly types = TYPES;

  constructor(b: Bound) {
    super(b, { pending: [], open: [], days: {} });
  }

  protected input(i: Input): void {
    if (i.k !== 'e' || i.e.window === undefined) return;
    const info = this.bound.schedule.dayInfo(i.ts);
    const d = (this.s.days[info.day] ??= { start: info.start, end: info.end, served: {} });
    d.served[i.e.window] = (d.served[i.e.window] ?? 0) + 1;
  }

  protected until(t: number, out: Out): void {
    const b = this.bound;
    const maxDev = b.rule.params?.maxDeviationPct ?? 50;
    const minTotal = b.rule.params?.minServedPerDay ?? 40;
    for (const day of Object.keys(this.s.days).sort()) {
      const d = this.s.days[day]!;
      if (t < d.end) break;
      delete this.s.days[day];
      const windows = Object.keys(d.served).sort();
      const total = windows.reduce((a, w) => a + d.served[w]!, 0);
      if (windows.length < 2 || total < minTotal) continue;
      const mean = total / windows.length;
      for (const w of windows) {
        const n = d.served[w]!;
        const pct = round6((100 * n) / mean);
        if (!(Math.abs(pct - 100) > maxDev)) continue;
        const limit = pct > 100 ? 100 + maxDev : 100 - maxDev;
        out.excursion({
          ...excursion(b, { sensor: w, start: d.start, end: d.end, peak: pct, limit, endReason: 'day-end' }),
          finding: 'workload-imbalance',
          count: n,
        });
        this.raiseFinding(
          out,
          { sensor: w, start: d.start, clearAt: this.dayEnd(d.end), peak: pct, limit },
          d.end,
          `${b.rule.title}: ${day} window ${w} served ${n}, ${pct} % of the windows' mean ${round6(mean)}`,
        );
      }
    }
  }
}

export const workloadBalanceKind: RuleKindSpec<'workload-balance'> = {
  kind: 'workload-balance',
  scope: 'zone',
  create: (b) => new WorkloadBalanceRule(b),
  reads: () => [],
  liveBy: 'engine',
  evidence: {
    basis: 'detector',
    openAtEnd: 'none',
    findings: {
      'workload-imbalance': { zh: '窗口日办结量偏离平均过大', en: "a window's day far from the windows' mean" },
    },
  },
};
