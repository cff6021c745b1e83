// Node-RED 4 side-by-side for the server ingest figures: the same gateway payloads as
// bench/server-ingest.ts (1 and 500 readings per message, QoS 1, same clients and in-flight windows)
// go through mosquitto to a generated Node-RED flow:
//   mqtt in (QoS 1) -> json -> switch (array?) -> split -> function (bind params) -> sqlite INSERT
// one autocommit INSERT OR IGNORE per reading (node-red-node-sqlite, i.e. sqlite3 5 compiled from
// source), into a table with a unique (sensor, metric, ts) index, WAL with synchronous=NORMAL (as
// hallmon's SQLite store; --durability full keeps SQLite's default FULL, each case then time-boxed
// to 30 s of storing). Node-RED acknowledges an MQTT message on receipt, not once stored, so the
// rate is stored rows over time (first publish to last row), counted through the flow's own /sql
// endpoint on the same sqlite connection. Prints one JSON line per result.
// Run: cd /work/main && node --import tsx bench/nodered-ingest.ts [--quick] [--durability normal|full]
//      [--nodered-dir DIR] [--reinstall]
import { mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { tempDir } from '../tests/helpers/tmp.ts';
import { sleep } from '../tests/helpers/wait.ts';
import { publishLoad, ReadingSource, TELEMETRY_TOPIC } from './lib/gateway-load.ts';
import { startBenchMosquitto } from './lib/mosquitto.ts';
import { ensureNodeRed, startNodeRed, type RunningNodeRed } from './lib/nodered.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    durability: { type: 'string', default: 'normal' },
    'nodered-dir': {
      type: 'string',
      default: process.env.HALLMON_BENCH_NODERED_DIR ?? join(tmpdir(), 'hallmon-bench-nodered'),
    },
    reinstall: { type: 'boolean', default: false },
  },
});
const quick = flags.quick === true;
const durability = flags.durability;
if (durability !== 'normal' && durability !== 'full') {
  console.error(`--durability must be normal or full (got "${durability}")`);
  process.exit(2);
}
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
const emit = (o: Record<string, unknown>) =>
  console.log(JSON.stringify({ bench: 'nodered-ingest', ...o, load1: round(loadavg()[0]!, 1) }));
const say = (s: string) => process.stderr.write(`nodered-ingest: ${s}\n`);
const INSERT =
  'INSERT OR IGNORE INTO reading (site, sensor, metric, ts, value) VALUES ($site, $sensor, $metric, $ts, $value)';

function flow(brokerPort: number, dbFile: string): unknown[] {
  const z = 'hm-tab';
  return [
    { id: z, type: 'tab', label: 'hallmon side-by-side' },
    {
      id: 'hm-broker',
      type: 'mqtt-broker',
      name: 'mosquitto',
      broker: '127.0.0.1',
      port: String(brokerPort),
      clientid: 'nodered-bench',
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
      autoUnsubscribe: true,
    },
    { id: 'hm-db', type: 'sqlitedb', db: dbFile, mode: 'RWC' },
    {
      id: 'hm-in',
      type: 'mqtt in',
      z,
      topic: TELEMETRY_TOPIC,
      qos: '1',
      datatype: 'utf8',
      broker: 'hm-broker',
      nl: false,
      rap: true,
      rh: 0,
      inputs: 0,
      wires: [['hm-json']],
    },
    { id: 'hm-json', type: 'json', z, property: 'payload', action: 'obj', pretty: false, wires: [['hm-isArray']] },
    {
      id: 'hm-isArray',
      type: 'switch',
      z,
      property: 'payload',
      propertyType: 'msg',
      rules: [{ t: 'istype', v: 'array', vt: 'array' }, { t: 'else' }],
      checkall: 'false',
      repair: false,
      outputs: 2,
      wires: [['hm-split'], ['hm-params']],
    },
    {
      id: 'hm-split',
      type: 'split',
      z,
      splt: '\\n',
      spltType: 'str',
      arraySplt: 1,
      arraySpltType: 'len',
      stream: false,
      addname: '',
      wires: [['hm-params']],
    },
    {
      id: 'hm-params',
      type: 'function',
      z,
      func: "const r = msg.payload;\nmsg.params = { $site: 'demo', $sensor: r.sensor, $metric: r.metric, $ts: r.ts, $value: r.value };\nreturn msg;",
      outputs: 1,
      wires: [['hm-insert']],
    },
    {
      id: 'hm-insert',
      type: 'sqlite',
      z,
      mydb: 'hm-db',
      sqlquery: 'prepared',
      sql: INSERT,
      name: 'insert',
      wires: [[]],
    },
    // The bench's window into the flow: any SQL on the same sqlite connection (count, pragmas).
    { id: 'hm-http', type: 'http in', z, url: '/sql', method: 'get', upload: false, wires: [['hm-topic']] },
    {
      id: 'hm-topic',
      type: 'function',
      z,
      func: "msg.topic = String(msg.req.query.q || '');\nreturn msg;",
      outputs: 1,
      wires: [['hm-query']],
    },
    { id: 'hm-query', type: 'sqlite', z, mydb: 'hm-db', sqlquery: 'msg.topic', name: 'query', wires: [['hm-resp']] },
    { id: 'hm-resp', type: 'http response', z, statusCode: '', headers: {}, wires: [] },
  ];
}

async function sql(nr: RunningNodeRed, q: string): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${nr.url}/sql?q=${encodeURIComponent(q)}`);
  if (res.status !== 200) throw new Error(`node-red /sql answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Array<Record<string, unknown>>;
}

async function count(nr: RunningNodeRed): Promise<number> {
  const [row] = await sql(nr, 'SELECT count(*) AS n FROM reading');
  return Number(row?.n);
}

/**
 * Polls the stored count until it reaches `target`, stops moving for `stallMs`, or `maxMs` have
 * passed (a slow configuration is measured over a window rather than waited out).
 */
async function untilStored(
  nr: RunningNodeRed,
  target: number,
  stallMs: number,
  maxMs = Infinity,
): Promise<{ n: number; at: number }> {
  let last = -1;
  const t0 = performance.now();
  let movedAt = t0;
  for (;;) {
    const n = await count(nr);
    const at = performance.now();
    if (n >= target || at - t0 > maxMs) return { n, at };
    if (n !== last) {
      last = n;
      movedAt = at;
    } else if (at - movedAt > stallMs) return { n, at };
    await sleep(200);
  }
}

const installDir = flags['nodered-dir']!;
mkdirSync(installDir, { recursive: true });
const install = ensureNodeRed(installDir, flags.reinstall === true, say);
const dir = tempDir('hallmon-bench-nodered-run-');
let broker: Awaited<ReturnType<typeof startBenchMosquitto>> | undefined;
let nr: RunningNodeRed | undefined;
try {
  // The table, created up front (WAL is a property of the file; synchronous is per connection).
  const dbFile = join(dir.path, 'bench.db');
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE reading (site TEXT NOT NULL, sensor TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL)',
  );
  db.exec('CREATE UNIQUE INDEX reading_key ON reading (sensor, metric, ts)');
  db.close();
  broker = await startBenchMosquitto(dir.path);
  const userDir = join(dir.path, 'userdir');
  mkdirSync(userDir);
  nr = await startNodeRed(installDir, userDir, flow(broker.port, dbFile));
  if (durability === 'normal') await sql(nr, 'PRAGMA synchronous = NORMAL');
  const [sync] = await sql(nr, 'PRAGMA synchronous');
  const [journal] = await sql(nr, 'PRAGMA journal_mode');
  const src = new ReadingSource();
  // Node-RED connects to the broker on its own schedule: publish single readings until one lands.
  const ready = performance.now();
  while ((await count(nr)) === 0) {
    if (performance.now() - ready > 60_000)
      throw new Error('Node-RED stored nothing within 60 s: its MQTT connection to mosquitto did not come up');
    await publishLoad(src, broker.url, {}, 1, 1, 1, 1);
    await sleep(500);
  }
  // Warm-up, not reported (JIT, sqlite3 statement paths).
  await publishLoad(src, broker.url, {}, 1, durability === 'full' ? 200 : 2_000, 4, 100);
  await publishLoad(src, broker.url, {}, 500, durability === 'full' ? 1 : 20, 4, 4);
  await untilStored(nr, src.count, 60_000);
  emit({
    what: 'node-red setup',
    nodeRed: install.nodeRed,
    nodeRedNodeSqlite: install.sqliteNode,
    ...(install.installSeconds !== undefined ? { installSeconds: install.installSeconds } : {}),
    broker: 'mosquitto 2 (max_queued_messages 0, set_tcp_nodelay)',
    flow: 'mqtt in QoS 1 -> json -> switch(array?) -> split -> function(params) -> sqlite prepared INSERT OR IGNORE, autocommit per reading',
    sqliteSynchronous: sync?.synchronous,
    sqliteJournalMode: journal?.journal_mode,
  });
  for (const [perMessage, messages, clients, window] of [
    [1, quick ? 5_000 : 40_000, 4, 100],
    [500, quick ? 100 : 600, 4, 4],
  ] as const) {
    // Whatever is still queued from a time-boxed case finishes first, so runs do not overlap.
    await untilStored(nr, src.count, 10_000);
    const before = await count(nr);
    if (before !== src.count) say(`before the run ${before} rows stored, ${src.count} published`);
    const pub = await publishLoad(src, broker.url, {}, perMessage, messages, clients, window);
    const target = before + pub.readings;
    const done = await untilStored(nr, target, 60_000, durability === 'full' ? 30_000 : 300_000);
    const stored = done.n - before;
    const seconds = (done.at - pub.startedAt) / 1000;
    emit({
      store: `node-red sqlite (${durability === 'normal' ? 'WAL, synchronous=NORMAL' : 'synchronous=FULL'})`,
      qos: 1,
      readingsPerMessage: perMessage,
      clients,
      inFlightPerClient: window,
      readings: pub.readings,
      stored,
      complete: stored === pub.readings,
      brokerAckSeconds: round(pub.seconds, 2),
      storedSeconds: round(seconds, 2),
      readingsPerSecond: round(stored / seconds),
      nodeRedPeakRssMB: round(nr.peakRss() / 1048576),
    });
  }
} finally {
  await nr?.stop();
  await broker?.stop();
  dir.remove();
}
