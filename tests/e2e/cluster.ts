// A server group for the cluster tests and the city benchmark: Debian's mosquitto 2, a temporary
// PostgreSQL cluster and influxd, and N `hallmon server` processes sharing them (--broker,
// --share-group, --state, --store influxdb), each on its own ports and data dir, with generated
// machine-room sites. Everything is stopped and removed by stop().
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { NotificationRoute } from '@hallmon/firmware-config';
import { startMosquitto, type TestBroker } from '../helpers/brokers.ts';
import { startInfluxd, type TestInfluxd } from '../helpers/influxd.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { ADMIN_PASSWORD, OTHER_SITE_FILE, spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';

export interface GroupOptions {
  servers: number;
  sites: number;
  /** Sensors per site (machine-room temperature and humidity transmitters). */
  sensors?: number;
  /** Notification routes of every site. */
  notifications?: NotificationRoute[];
  /** A hall with an evaluator per site (counter events), besides the machine room. */
  counters?: boolean;
  /** Sites whose clause rules run on the server (rulesAt: server); default none. */
  ruled?: number;
  leaseTtlS?: number;
  /** Extra mosquitto config lines. */
  broker?: string[];
  maxConnections?: number;
}

export interface ServerGroup {
  broker: TestBroker;
  postgres: TestPostgres;
  influxd: TestInfluxd;
  servers: ServerProcess[];
  sites: string[];
  /** The sensor ids of a site. */
  sensors(site: string): string[];
  /** Starts one more server of the group (after a kill). */
  addServer(): Promise<ServerProcess>;
  /** A query on the group's state database. */
  query<T extends pg.QueryResultRow>(sql: string, args?: unknown[]): Promise<T[]>;
  /** A token for admin (valid on every server: one token secret for the group). */
  token(server?: ServerProcess): Promise<string>;
  stop(): Promise<void>;
}

const OTHER_GATEWAY_HASH = (JSON.parse(readFileSync(OTHER_SITE_FILE, 'utf8')) as { gateway: { passwordHash: string } })
  .gateway.passwordHash;

export const siteId = (i: number) => `c${String(i + 1).padStart(3, '0')}`;

export async function startGroup(o: GroupOptions): Promise<ServerGroup> {
  const dir = tempDir('hallmon-group-');
  const stops: (() => Promise<void>)[] = [async () => dir.remove()];
  const stop = async () => {
    while (stops.length) await stops.pop()!().catch(() => undefined);
  };
  try {
    const sensorsPer = o.sensors ?? 1;
    const sites: string[] = [];
    const files: string[] = [];
    mkdirSync(join(dir.path, 'sites'));
    for (let i = 0; i < o.sites; i++) {
      const id = siteId(i);
      sites.push(id);
      const file = join(dir.path, 'sites', `${id}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          id,
          name: `测试中心 ${id}`,
          timezone: 'Asia/Shanghai',
          openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '17:00' }],
          // The broker does the ACL with an external broker; the credential is the fixture site's.
          gateway: { username: `${id}-gateway`, passwordHash: OTHER_GATEWAY_HASH },
          ...(i < (o.ruled ?? 0) ? { rulesAt: 'server' } : {}),
          ...(o.notifications ? { notifications: o.notifications } : {}),
          zones: [
            {
              id: 'machine-room',
              kind: 'machine-room',
              name: '机房',
              devices: Array.from({ length: sensorsPer }, (_, k) => ({
                id: `${id}-th-${k + 1}`,
                profile: 'th-modbus-f03',
              })),
            },
          ],
        }),
      );
      files.push(file);
    }
    const [broker, postgres, influxd] = await Promise.all([
      startMosquitto(dir.path, undefined, ['max_queued_messages 0', ...(o.broker ?? [])]),
      startPostgres({ maxConnections: o.maxConnections ?? 200 }),
      startInfluxd(),
    ]);
    stops.push(
      () => broker.stop(),
      () => postgres.stop(),
      () => influxd.stop(),
    );
    const args = [
      '--broker',
      broker.url,
      '--share-group',
      'hallmon',
      '--state',
      postgres.url,
      '--store',
      'influxdb',
      '--influx-url',
      `${influxd.url}/hallmon`,
      '--lease-ttl',
      String(o.leaseTtlS ?? 3),
      ...files.flatMap((f) => ['--config', f]),
    ];
    const servers: ServerProcess[] = [];
    const addServer = async () => {
      const s = await spawnServer(args);
      servers.push(s);
      stops.push(() => s.stop().then(() => undefined));
      return s;
    };
    // The first one migrates the database; the others start beside it.
    await addServer();
    await Promise.all(Array.from({ length: o.servers - 1 }, () => addServer()));
    const query = async <T extends pg.QueryResultRow>(sql: string, a: unknown[] = []) => {
      const c = new pg.Client({ connectionString: postgres.url });
      await c.connect();
      try {
        return (await c.query<T>(sql, a)).rows;
      } finally {
        await c.end();
      }
    };
    return {
      broker,
      postgres,
      influxd,
      servers,
      sites,
      sensors: (site) => Array.from({ length: sensorsPer }, (_, k) => `${site}-th-${k + 1}`),
      addServer,
      query,
      token: async (server = servers.find((s) => s.pid)!) => {
        const res = await fetch(`${server.url}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
        });
        if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { token: string }).token;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The server process whose group id (host-pid-random) names the given owner or claimer. */
export function serverOf(group: ServerGroup, id: string): ServerProcess | undefined {
  return group.servers.find((s) => id.split('-').at(-2) === String(s.pid));
}
