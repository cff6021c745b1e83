// A site config changed while the rules run (RulesRuntime.rebind, as the edge and the server do on a
// new configuration version): a rule that still exists keeps its half-elapsed duration and raises on
// time; a device added gets fresh rules; a device removed loses its own; limits changed in the site
// config (a limit profile, an override) apply from the change on; a config the rules cannot bind is
// refused with the running engine untouched.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import {
  ConfigError,
  loadCatalogue,
  loadProfiles,
  loadSites,
  shippedCalendar,
  toIso,
  type SiteConfig,
} from '@hallmon/firmware-config';
import { RulesRuntime } from '@hallmon/rules';

const profiles = loadProfiles();
const catalogue = loadCatalogue();
const calendar = shippedCalendar();
const MIN = 60_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function demo(): SiteConfig {
  const { file: _f, ...s } = loadSites().get('demo')!;
  return structuredClone(s);
}

test('rebind keeps a half-elapsed duration of a rule that still exists; new devices start fresh', () => {
  const t0 = Date.parse('2025-05-06T03:00:00Z');
  let now = t0;
  const rt = new RulesRuntime({
    site: demo(),
    profiles,
    catalogue,
    calendar,
    log: silent,
    clock: { now: () => now },
    slackMs: 0,
  });
  const raised: string[] = [];
  const feed = (sensor: string, value: number, ts: number) =>
    rt.reading({ sensor, metric: 'temperature', value, ts: toIso(ts), quality: 'ok' });
  // mr-temperature (max 27 for 5 min): 29 °C every 30 s for 3 minutes ...
  for (let ts = t0; ts <= t0 + 3 * MIN; ts += 30_000) feed('mr-th-1', 29, ts);
  now = t0 + 3 * MIN;
  assert.deepEqual(rt.tick(), []);
  // ... then a device is added to the machine room: a new version of the config.
  const next = demo();
  next.zones.find((z) => z.id === 'machine-room')!.devices.push({ id: 'mr-th-3', profile: 'th-modbus-f03' });
  rt.rebind(next);
  assert.ok(
    rt.engine.rules.some((r) => r.key === 'mr-temperature:mr-th-3'),
    'the new device has its rules',
  );
  // The running duration of mr-th-1 goes on: raised at t0 + 5 min, not 5 min after the change.
  for (let ts = t0 + 3.5 * MIN; ts <= t0 + 6 * MIN; ts += 30_000)
    raised.push(
      ...feed('mr-th-1', 29, ts).map((a) => `${a.rule}:${a.sensor}@${a.startedAt as string}:${a.ts as string}`),
    );
  assert.deepEqual(
    raised.filter((r) => r.startsWith('mr-temperature:')),
    [`mr-temperature:mr-th-1@${toIso(t0)}:${toIso(t0 + 5 * MIN)}`],
  );
  // The new device starts fresh: 3 minutes of 29 °C do not raise yet.
  const fresh: string[] = [];
  for (let ts = t0 + 6 * MIN; ts <= t0 + 9 * MIN; ts += 30_000)
    fresh.push(...feed('mr-th-3', 29, ts).map((a) => a.rule));
  assert.ok(!fresh.includes('mr-temperature'));
});

test('limits changed in the site config apply after rebind; a device removed loses its rules', () => {
  const t0 = Date.parse('2025-05-06T03:00:00Z');
  let now = t0;
  const rt = new RulesRuntime({
    site: demo(),
    profiles,
    catalogue,
    calendar,
    log: silent,
    clock: { now: () => now },
    slackMs: 0,
  });
  const temp = (value: number, ts: number) =>
    rt.reading({ sensor: 'mr-th-1', metric: 'temperature', value, ts: toIso(ts), quality: 'ok' });
  // 27.5 °C is above the default 27 but inside the legacy class C machine room's 28.
  const next = demo();
  next.limitProfiles = [{ profile: 'machine-room-legacy-2008-class-c', zone: 'machine-room' }];
  next.zones.find((z) => z.id === 'machine-room')!.devices = next.zones
    .find((z) => z.id === 'machine-room')!
    .devices.filter((d) => d.id !== 'mr-th-2');
  rt.rebind(next);
  assert.ok(!rt.engine.rules.some((r) => r.bound.sensor === 'mr-th-2'), 'mr-th-2 was removed with its rules');
  const out: string[] = [];
  for (let ts = t0; ts <= t0 + 10 * MIN; ts += 30_000) out.push(...temp(27.5, ts).map((a) => a.rule));
  now = t0 + 10 * MIN;
  out.push(...rt.tick().map((a) => a.rule));
  assert.ok(!out.includes('mr-temperature'), `no excursion under class C limits: ${out.join(', ')}`);
  // A config the rules cannot bind (an override of an unknown rule) is refused; the engine stays.
  const bad = demo();
  bad.overrides = [{ rule: 'no-such-rule', limits: { max: 1 } }];
  const before = rt.engine;
  assert.throws(
    () => rt.rebind(bad),
    (e: unknown) => e instanceof ConfigError && /no-such-rule/.test(e.message),
  );
  assert.equal(rt.engine, before);
});
