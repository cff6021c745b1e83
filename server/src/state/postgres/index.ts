// The PostgreSQL state backend (`--state postgres://…`): one database for every server of a group,
// its schema brought up to date by the migrations at start, one connection pool shared by the
// drivers. The server's id in the group (members, leases, notice claims) is made here.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '@hallmon/firmware-config';
import type { StateBackend } from '../state.ts';
import { withAlarms } from '../with-alarms.ts';
import { checkConnection, openPool, redactUrl, type Pool } from './pool.ts';
import { migrate } from './migrations.ts';
import { PgUsers } from './users.ts';
import { PgAudit } from './audit.ts';
import { PgSeals } from './seals.ts';
import { PgFollowups } from './followups.ts';
import { PgDeliveries } from './deliveries.ts';
import { PgAlarms } from './alarms.ts';
import { PgNotices } from './notices.ts';
import { PgRuleState } from './rule-state.ts';
import { PgLeases } from './leases.ts';
import { PgVisits } from './visits.ts';
import { tokenSecret } from './secret.ts';
import { PgConfig } from './config.ts';

export interface PostgresState extends StateBackend {
  readonly kind: 'postgres';
  /** The pool, for the live-push adapter (live/cluster-adapter.ts). */
  readonly pool: Pool;
}

export async function openPostgresState(url: string, log: Logger, poolSize = 10): Promise<PostgresState> {
  const pool = await openPool(url, poolSize);
  try {
    const applied = await migrate(pool);
    if (applied.length) log.info({ versions: applied, database: redactUrl(url) }, 'state database migrated');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot prepare the --state database ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
  const me = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const audit = new PgAudit(pool);
  const alarms = new PgAlarms(pool);
  const ruleStates = new Set<PgRuleState>();
  return {
    kind: 'postgres',
    where: redactUrl(url),
    pool,
    users: new PgUsers(pool),
    audit,
    seals: new PgSeals(pool, audit),
    followups: new PgFollowups(pool),
    deliveries: new PgDeliveries(pool),
    notices: new PgNotices(pool, me),
    config: new PgConfig(pool, redactUrl(url)),
    visits: new PgVisits(pool),
    alarms: (store) => withAlarms(store, alarms),
    ruleState: async (site) => {
      const s = await PgRuleState.open(pool, site, log);
      ruleStates.add(s);
      return s;
    },
    tokenSecret: () => tokenSecret(pool),
    check: async () => {
      // Its own connection, not the pool's: a pool whose clients all wait on a dead database would
      // queue the check behind them instead of answering.
      await checkConnection(url);
    },
    leases: ({ sites, ttlMs }) => new PgLeases(pool, me, sites, log.child({ component: 'leases' }), ttlMs),
    close: async () => {
      await Promise.all([...ruleStates].map((s) => s.flush()));
      await pool.end();
    },
  };
}
