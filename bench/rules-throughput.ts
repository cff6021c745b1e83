// Rule evaluation throughput: readings/s through the full clause catalogue bound to the demo site
// (every sensor and metric, 1 reading per series per simulated second, in opening hours so the hall
// rules are active), on one core, with the live runtime's lateBoundS 0 and an advance per simulated
// second, as the edge's timer would. Readings are prebuilt: this measures the engine, not JSON.
// Run: cd /work/main && node --import tsx bench/rules-throughput.ts [--quick]
import { performance } from 'node:perf_hooks';
import {
  deviceProfile,
  loadCatalogue,
  loadProfiles,
  loadSites,
  type Metric,
  type NormalisedReading,
  shippedCalendar,
} from '@hallmon/firmware-config';
import { RuleEngine } from '@hallmon/rules';

const quick = process.argv.includes('--quick');
const profiles = loadProfiles();
const site = loadSites(undefined, profiles).get('demo')!;
const engine = new RuleEngine({
  site,
  catalogue: loadCatalogue(),
  calendar: shippedCalendar(),
  profiles,
  lateBoundS: 0,
});

// The analogue series at their poll rate (state inputs send changes only: not a throughput load).
const base: Partial<Record<Metric, number>> = {
  noise_laeq: 70,
  temperature: 23,
  humidity: 50,
  co2: 700,
  illuminance: 450,
};
const series: [string, Metric][] = [];
for (const z of site.zones)
  for (const d of z.devices)
    for (const m of deviceProfile(profiles, d)?.metrics ?? []) if (m.metric in base) series.push([d.id, m.metric]);
const seconds = quick ? 20_000 : 120_000;
const t0 = Date.parse('2025-05-06T09:00:00+08:00');
const readings: NormalisedReading[] = new Array(seconds * series.length);
let k = 0;
for (let s = 0; s < seconds; s++) {
  const ts = new Date(t0 + s * 1000).toISOString();
  // Excursions now and then, so rules raise and clear while we measure.
  const bump = Math.floor(s / 900) % 4 === 3 ? 1.2 : 1;
  for (const [sensor, metric] of series)
    readings[k++] = { sensor, metric, value: base[metric]! * bump + ((s * 7) % 13) / 10, ts, quality: 'ok' };
}

let transitions = 0;
const start = performance.now();
for (let i = 0, s = 0; i < readings.length; s++) {
  const end = i + series.length;
  for (; i < end; i++) transitions += engine.ingest(readings[i]!).length;
  transitions += engine.advance(t0 + s * 1000).length;
}
const ms = performance.now() - start;
const rejected = Object.values(engine.counters()).reduce((a, b) => a + b, 0);
console.log(
  JSON.stringify({
    bench: 'rules-throughput',
    site: 'demo',
    series: series.length,
    rules: engine.rules.length,
    readings: readings.length,
    seconds: Math.round(ms) / 1000,
    readingsPerS: Math.round(readings.length / (ms / 1000)),
    transitions,
    rejected,
  }),
);
