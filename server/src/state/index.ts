// Picks the state backend: the SQLite files of the data dir (default, one server) or a PostgreSQL
// database shared by a group of servers (`--state postgres://user:pass@host:5432/db`). Both
// implement the whole StateBackend and pass the same test suite (tests/server/state-suite.ts).
import { createLogger, UsageError, type FlagSpec, type Logger, type ParsedFlags } from '@hallmon/firmware-config';
import type { StateBackend } from './state.ts';
import { openSqliteState } from './sqlite/index.ts';
import { openPostgresState } from './postgres/index.ts';

export type { StateBackend };

/** The --state flag as every command that opens state declares it. */
export const STATE_FLAG: FlagSpec = {
  type: 'string',
  arg: 'URL',
  help: 'keep users, alarms, follow-ups, notifications, audit, seals, rule state, the site configuration (versions, MQTT credentials) and the machine-room entry register in this PostgreSQL database (postgres://user:pass@host:5432/db) instead of SQLite files in --data-dir; what several servers share',
};

/** The --state URL when one is given, checked; undefined for the SQLite default. */
export function stateFlag(flags: ParsedFlags): string | undefined {
  const v = flags.state;
  if (typeof v !== 'string' || v === '' || v === 'sqlite') return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`--state must be sqlite or a URL such as postgres://user:pass@host:5432/hallmon (got "${v}")`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new UsageError(`--state must be sqlite or a postgres:// URL (got a ${u.protocol}// URL)`);
  if (!u.pathname || u.pathname === '/')
    throw new UsageError('--state needs the database name at the end of the URL, e.g. postgres://host:5432/hallmon');
  return v;
}

export async function openState(
  opts: { dataDir: string; state?: string; poolSize?: number },
  log: Logger = createLogger('hallmon-state'),
): Promise<StateBackend> {
  return opts.state
    ? openPostgresState(opts.state, log.child({ component: 'state' }), opts.poolSize)
    : openSqliteState(opts.dataDir);
}
