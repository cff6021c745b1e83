// ac-stopped: the machine room's air conditioner stopped (ac_running 0) while the room warms: some
// temperature sensor of the zone rose params.riseK (default 2 °C) above what it read when the AC
// stopped. Critical: without cooling the racks heat the room by several degrees in half an hour
// (GB 50174-2017 §5.1.1 keeps the cold aisle at 18-27 °C), and the rise says it is no planned stop
// on a cold night. Zone scope: the AC's run contact (a DI channel) and the temperature transmitters
// are different devices of one room. Cleared when the AC runs again; the alarm's sensor is the
// device reporting ac_running, its peak and limit the rise in °C.
import { clear, excursion, raise, round6 } from '../alarm.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { BaseRule } from './base.ts';
import type { RuleKindSpec } from './spec.ts';

const DEFAULT_RISE_K = 2;

interface Ac {
  /** Event time the AC was last seen stopped from; null while it runs (or before it is known). */
  stoppedAt: number | null;
  /** Temperature per sensor when the AC stopped (the last reading before, else the first after). */
  base: Record<string, number>;
  raised: boolean;
  peak: number;
}

interface State {
  acs: Record<string, Ac>;
  /** The newest temperature per sensor of the zone. */
  temp: Record<string, number>;
}

export class AcStoppedRule extends BaseRule<State> {
  constructor(b: Bound) {
    super(b, { acs: {}, temp: {} });
  }

  private get riseK(): number {
    return this.bound.rule.params?.riseK ?? DEFAULT_RISE_K;
  }

  reading(x: Sample, out: Out): void {
    const s = this.s;
    if (x.metric === 'ac_running') {
      const ac = (s.acs[x.sensor] ??= { stoppedAt: null, base: {}, raised: false, peak: 0 });
      if (x.value === 0 && ac.stoppedAt === null) {
        ac.stoppedAt = x.ts;
        ac.base = { ...s.temp };
        ac.raised = false;
        ac.peak = 0;
      } else if (x.value !== 0 && ac.stoppedAt !== null) {
        if (ac.raised) this.end(x.sensor, ac, x.ts, out);
        ac.stoppedAt = null;
        ac.raised = false;
      }
      return;
    }
    if (x.metric !== 'temperature') return;
    s.temp[x.sensor] = x.value;
    for (const [device, ac] of Object.entries(s.acs)) {
      if (ac.stoppedAt === null || x.ts < ac.stoppedAt) continue;
      const base = (ac.base[x.sensor] ??= x.value);
      const rise = round6(x.value - base);
      if (ac.raised) {
        ac.peak = Math.max(ac.peak, rise);
        continue;
      }
      if (rise < this.riseK) continue;
      ac.raised = true;
      ac.peak = rise;
      raise(out, this.bound, x.ts, {
        sensor: device,
        startMs: ac.stoppedAt,
        peak: rise,
        limit: this.riseK,
        message: `${this.bound.rule.title}：${x.sensor} ${base}→${x.value} °C`,
      });
    }
  }

  private end(device: string, ac: Ac, at: number, out: Out): void {
    const b = this.bound;
    const start = ac.stoppedAt!;
    clear(out, b, at, at, {
      sensor: device,
      startMs: start,
      peak: ac.peak,
      limit: this.riseK,
      message: `${b.rule.title}（空调已恢复运行 / AC running again）`,
    });
    out.excursion(
      excursion(b, {
        sensor: device,
        metric: 'ac_running',
        start,
        end: at,
        peak: ac.peak,
        limit: this.riseK,
        endReason: 'cleared',
      }),
    );
  }

  time(): void {}
}

export const acStoppedKind: RuleKindSpec<'ac-stopped'> = {
  kind: 'ac-stopped',
  scope: 'zone',
  create: (b) => new AcStoppedRule(b),
  reads: (_rule, metrics) => metrics.filter((m) => m === 'ac_running' || m === 'temperature'),
  liveBy: 'engine',
  // Still raised at the period end: the pack's state step lists it as an ongoing state event.
  evidence: { basis: 'states', openAtEnd: 'none' },
};
