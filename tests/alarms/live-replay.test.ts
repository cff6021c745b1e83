// The live edge runtime and the evidence replay agree: the machine-room AC failure scenario, sampled
// at the poll rate over the incident, fed live through RulesRuntime (its clock driven second by
// second, as its timer would) and through replay() gives the same alarms (ids, start, end). A
// runtime stopped half-way and restarted from rules-state.json gives the same alarms too.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  createLogger,
  loadCatalogue,
  loadProfiles,
  loadSites,
  type AlarmRecord,
  type NormalisedReading,
  shippedCalendar,
  JsonStateFile,
} from '@hallmon/firmware-config';
import { RuleEngine, replay, RulesRuntime } from '@hallmon/rules';
import { edgeRules } from '@hallmon/edge';
import { getScenario } from '@hallmon/simulators';
import { tempDir } from '../helpers/tmp.ts';
import { join } from 'node:path';

const profiles = loadProfiles();
const catalogue = loadCatalogue();
const calendar = shippedCalendar();
const site = loadSites(undefined, profiles).get('demo')!;
const log = createLogger('live-replay', 'silent');
const POLL_MS = 2_000;

function scenarioReadings(): { readings: NormalisedReading[]; from: number; to: number } {
  const signals = getScenario('machine-room-ac-failure')!.signals(site, 11);
  const at = signals.incidentAt!;
  const from = at - 10 * 60_000;
  const to = at + 90 * 60_000;
  const readings: NormalisedReading[] = [];
  for (let t = from; t < to; t += POLL_MS)
    for (const sensor of ['mr-th-1', 'mr-th-2'])
      for (const metric of ['temperature', 'humidity'] as const) {
        const value = signals.value(sensor, metric, t);
        if (value !== undefined) readings.push({ sensor, metric, value, ts: new Date(t).toISOString(), quality: 'ok' });
      }
  return { readings, from, to };
}

const key = (a: AlarmRecord) => `${a.state} ${a.id} ${a.startedAt} ${a.clearedAt ?? ''}`;

/** Feeds readings live: the runtime's clock follows them, its tick runs once per simulated second. */
function runLive(
  rt: RulesRuntime,
  clock: { t: number },
  readings: NormalisedReading[],
  untilMs: number,
  got: AlarmRecord[],
): void {
  let nextTick = clock.t + 1_000;
  for (const r of readings) {
    const ts = Date.parse(r.ts);
    while (nextTick <= ts) {
      clock.t = nextTick;
      got.push(...rt.tick());
      nextTick += 1_000;
    }
    clock.t = ts;
    got.push(...rt.reading(r));
  }
  for (; nextTick <= untilMs; nextTick += 1_000) {
    clock.t = nextTick;
    got.push(...rt.tick());
  }
}

test('AC failure: the live runtime raises and clears the same alarms as replay()', () => {
  const { readings, from, to } = scenarioReadings();
  const dir = tempDir('hallmon-live-replay-');
  try {
    const clock = {
      t: from,
      now() {
        return this.t;
      },
    };
    const rt = edgeRules({ site, profiles, catalogue, calendar, dataDir: dir.path, log, clock })!;
    const live: AlarmRecord[] = [];
    rt.start(() => undefined); // tick() returns what it pushes; runLive collects the returns
    runLive(rt, clock, readings, to + 10 * 60_000, live);
    rt.stop();
    assert.ok(existsSync(rt.stateWhere!), 'rules-state.json written on stop');

    const r = replay(
      new RuleEngine({ site, catalogue, calendar, profiles }),
      readings.map((reading) => ({ reading })),
      to + 10 * 60_000 - 60_000,
    );
    const replayed = r.transitions.map((t) => t.alarm);

    const rules = new Set(live.map((a) => a.rule));
    for (const rule of ['mr-temperature', 'mr-temperature-critical', 'mr-rate-of-change'])
      assert.ok(rules.has(rule), `the incident raises ${rule}: ${[...rules].join(', ')}`);
    assert.ok(
      live.some((a) => a.rule === 'mr-temperature' && a.state === 'cleared'),
      'and clears it after the repair',
    );
    assert.deepEqual(live.map(key).sort(), replayed.map(key).sort());
  } finally {
    dir.remove();
  }
});

test('a restart half-way (state file) resumes the durations: the same alarms as an uninterrupted run', () => {
  const { readings, from, to } = scenarioReadings();
  const dirA = tempDir('hallmon-live-a-');
  const dirB = tempDir('hallmon-live-b-');
  try {
    const clockA = {
      t: from,
      now() {
        return this.t;
      },
    };
    const whole = new RulesRuntime({
      site,
      profiles,
      catalogue,
      calendar,
      state: new JsonStateFile(join(dirA.path, 'rules-state.json')),
      log,
      clock: clockA,
    });
    const a: AlarmRecord[] = [];
    whole.start(() => undefined);
    runLive(whole, clockA, readings, to, a);
    whole.stop();

    // Split inside the warning's 300 s minimum duration: the room passes 27 °C about 9 min in.
    const firstRaise = a.find((x) => x.rule === 'mr-temperature' && x.state === 'raised')!;
    const split = Date.parse(String(firstRaise.ts)) - 150_000;
    const clockB = {
      t: from,
      now() {
        return this.t;
      },
    };
    const b: AlarmRecord[] = [];
    const first = new RulesRuntime({
      site,
      profiles,
      catalogue,
      calendar,
      state: new JsonStateFile(join(dirB.path, 'rules-state.json')),
      log,
      clock: clockB,
    });
    first.start(() => undefined);
    runLive(
      first,
      clockB,
      readings.filter((r) => Date.parse(r.ts) < split),
      split,
      b,
    );
    first.stop();
    const second = new RulesRuntime({
      site,
      profiles,
      catalogue,
      calendar,
      state: new JsonStateFile(join(dirB.path, 'rules-state.json')),
      log,
      clock: clockB,
    });
    second.start(() => undefined);
    runLive(
      second,
      clockB,
      readings.filter((r) => Date.parse(r.ts) >= split),
      to,
      b,
    );
    second.stop();
    assert.deepEqual(b.map(key).sort(), a.map(key).sort());
    assert.equal(
      b.find((x) => x.rule === 'mr-temperature' && x.state === 'raised')!.ts,
      firstRaise.ts,
      'the raise is not delayed by the restart',
    );
  } finally {
    dirA.remove();
    dirB.remove();
  }
});

test('no rules on the edge for a site whose rules run on the server', () => {
  assert.equal(edgeRules({ site: { ...site, rulesAt: 'server' }, profiles, dataDir: '/nonexistent', log }), undefined);
});
