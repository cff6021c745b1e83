// Unit tests of `hallmon server` option parsing: defaults, HALLMON_* twins, and bad values failing
// with a message that names the flag.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { parseCommand, UsageError } from '@hallmon/firmware-config';
import { serverCommand, serverOptions } from '../../server/src/options.ts';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  serverOptions(parseCommand(serverCommand, argv, env, () => undefined)!.flags);

test('defaults follow docs/contract.md', () => {
  const o = parse([]);
  assert.equal(o.httpPort, 8080);
  assert.equal(o.mqttPort, 1883);
  assert.equal(o.host, '0.0.0.0');
  assert.equal(o.store, 'sqlite');
  assert.equal(o.maxPayload, 1024 * 1024);
  assert.equal(o.retentionDays, 400);
  assert.equal(o.mqttWs, true);
  assert.deepEqual(o.config, []);
  assert.match(o.dataDir, /data\/server$/);
});

test('environment twins apply; flags win over them', () => {
  const o = parse(['--http-port', '9000'], {
    HALLMON_HTTP_PORT: '7000',
    HALLMON_MQTT_PORT: '1999',
    HALLMON_MQTT_WS: '0',
  });
  assert.equal(o.httpPort, 9000);
  assert.equal(o.mqttPort, 1999);
  assert.equal(o.mqttWs, false);
});

test('bad values name the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--http-port', '99999'], /--http-port/],
    [['--mqtt-port', '-1'], /--mqtt-port/],
    [['--store', 'mongo'], /--store/],
    [['--store', 'influxdb'], /--influx-url/],
    [['--influx-url', 'ftp://x'], /--influx-url/],
    [['--broker', 'http://x'], /--broker/],
    [['--tls-cert', new URL(import.meta.url).pathname], /--tls-cert and --tls-key/],
    [['--config', '/nonexistent/site.json'], /--config/],
    [['--max-payload', '12'], /--max-payload/],
    [['--retention-days', '0'], /--retention-days/],
    [['--state', 'mysql://db/hallmon'], /--state must be sqlite or a postgres:\/\/ URL/],
    [['--state', 'postgres://db.local:5432'], /--state needs the database name/],
    [['--state', 'not a url'], /--state must be sqlite or a URL/],
    [['--share-group', 'g'], /--share-group needs --broker/],
    [['--share-group', 'g', '--broker', 'mqtt://b:1883'], /--share-group needs --state postgres/],
    [['--share-group', 'a/b', '--broker', 'mqtt://b:1883', '--state', 'postgres://db/h'], /--share-group must be/],
    [['--lease-ttl', '1'], /--lease-ttl/],
    [['--ingest-connections', '0'], /--ingest-connections/],
  ];
  for (const [argv, re] of cases)
    assert.throws(
      () => parse(argv),
      (e: unknown) => e instanceof UsageError && re.test(e.message),
      argv.join(' '),
    );
});

test('a server of a group: state in PostgreSQL, a shared subscription, duty leases', () => {
  const alone = parse([]);
  assert.equal(alone.state, undefined, 'SQLite files in the data dir by default');
  assert.equal(alone.shareGroup, undefined);
  assert.equal(alone.leaseTtlMs, 9_000);
  const o = parse(['--broker', 'mqtt://broker:1883', '--share-group', 'hallmon', '--lease-ttl', '5'], {
    HALLMON_STATE: 'postgres://hallmon:pw@db:5432/hallmon',
    HALLMON_INGEST_CONNECTIONS: '4',
  });
  assert.equal(o.state, 'postgres://hallmon:pw@db:5432/hallmon');
  assert.equal(o.shareGroup, 'hallmon');
  assert.equal(o.leaseTtlMs, 5_000);
  assert.equal(o.ingestConnections, 4);
  assert.equal(parse(['--state', 'sqlite']).state, undefined);
});
