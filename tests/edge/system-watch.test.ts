// The edge's own alarms before store-and-forward ends (docs/alarms.md, "System alarms"): the outbox
// filling toward its budget while the uplink is down (warning at 80 %, critical at 95 %, cleared when
// it drains) and the data dir's disk running out (statfs is the one thing faked: no test fills a
// real disk). The records travel on the edge's alarm stream, through its real outbox.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import {
  createLogger,
  loadEdgeConfig,
  loadProfiles,
  type AlarmRecord,
  type EdgeConfig,
} from '@hallmon/firmware-config';
import { EdgeAgent, Outbox } from '@hallmon/edge';
import { SystemWatch } from '../../edge/src/system-watch.ts';
import { tempDir } from '../helpers/tmp.ts';
import { freePort } from '../helpers/ports.ts';
import { REPO } from '../helpers/edge-process.ts';

const log = createLogger('test-system-watch', 'error');
const roomy = () => ({ blocks: 1000, bsize: 4096, bavail: 900 });

test('the outbox budget: warning at 80 %, critical at 95 %, cleared when drained', (t) => {
  const dir = tempDir('hallmon-watch-');
  t.onTestFinished(() => dir.remove());
  const outbox = new Outbox({ dataDir: dir.path, maxMB: 0.01 }); // 10 KB
  outbox.open();
  t.onTestFinished(() => outbox.close());
  const got: AlarmRecord[] = [];
  const watch = new SystemWatch({
    site: 'demo',
    dataDir: dir.path,
    outbox,
    push: (a) => got.push(...a),
    log,
    statfs: roomy,
  });
  const fill = (n: number) =>
    outbox.append(
      'telemetry',
      Array.from({ length: n }, (_, i) => ({ key: 'mr-th-1', ts: Date.now() + i, body: 'x'.repeat(100) })),
    );
  watch.check();
  assert.equal(got.length, 0);
  fill(60); // 60 x 155 B = 9.1 KB: 89 %
  watch.check();
  assert.deepEqual(
    got.map((a) => [a.rule, a.severity, a.state, a.clause, a.sensor]),
    [['outbox-budget', 'warning', 'raised', 'system', 'edge']],
  );
  watch.check();
  assert.equal(got.length, 1, 'a repeated check raises nothing twice');
  fill(6); // 66 x 155 B = 10.2 KB: 97.6 %
  watch.check();
  assert.deepEqual(
    got.slice(1).map((a) => [a.severity, a.state]),
    [
      ['warning', 'cleared'],
      ['critical', 'raised'],
    ],
  );
  outbox.remove(outbox.peek('telemetry', 1000).map((r) => r.seq));
  watch.check();
  assert.deepEqual(
    got.slice(3).map((a) => [a.severity, a.state]),
    [['critical', 'cleared']],
  );
});

test("a filling disk raises the edge's disk-space alarms into its own alarm stream", async (t) => {
  const dir = tempDir('hallmon-watch-agent-');
  t.onTestFinished(() => dir.remove());
  let free = 0.5;
  const cfg: EdgeConfig = {
    site: 'demo',
    siteConfig: join(REPO, 'tests', 'fixtures', 'edge', 'site-demo.json'),
    // Nothing listens there: the uplink stays down and the alarms wait in the outbox.
    uplink: { url: `mqtt://127.0.0.1:${await freePort()}`, username: 'demo-gateway', password: 'demo-gateway-secret' },
    dataDir: join(dir.path, 'edge'),
    mqttDevices: { port: 0, host: '127.0.0.1' },
  };
  const file = join(dir.path, 'edge.json');
  writeFileSync(file, JSON.stringify(cfg));
  const profiles = loadProfiles();
  const { config, site } = loadEdgeConfig(file, profiles);
  const agent = new EdgeAgent({
    config,
    site,
    profiles,
    log,
    systemCheckMs: 3_600_000, // checked by hand below
    statfs: () => ({ blocks: 1_000_000, bsize: 4096, bavail: Math.round(1_000_000 * free) }),
  });
  await agent.start();
  t.onTestFinished(() => agent.stop());
  free = 0.1;
  agent.system.check();
  free = 0.03;
  agent.system.check();
  agent.flush();
  const alarms = agent.outbox.peek('alarms', 100).map((r) => JSON.parse(r.body) as AlarmRecord);
  assert.deepEqual(
    alarms.map((a) => [a.rule, a.severity, a.state]),
    [
      ['disk-space', 'warning', 'raised'],
      ['disk-space', 'warning', 'cleared'],
      ['disk-space', 'critical', 'raised'],
    ],
  );
  assert.match(alarms[2]!.message ?? '', /free space before the outbox cannot be written/);
});
