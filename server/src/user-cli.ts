// `hallmon user add|list|passwd|disable|enable|remove` on a server's data dir: manages the same
// accounts as the API (auth/users.ts holds the rules, so both refuse the same things) and writes the
// same audit trail, as "cli:<os user>". Safe while the server runs: both open users.db and audit.db
// in WAL mode, and the server reads accounts on every request, so a new password or a disabled
// account ends its sessions at once. Sites are checked against the server's site configuration
// (config.db in the data dir; --config files instead when given). With --state postgres://… it
// manages the accounts of a server group's PostgreSQL state instead (docs/cluster.md), its sites
// checked against the group's configuration. Exit 0 on success, 1 when refused, 2 for usage errors.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import {
  loadProfiles,
  loadSites,
  parseCommand,
  UsageError,
  type CommandSpec,
  type ParsedFlags,
} from '@hallmon/firmware-config';
import { expiryMs, isRole, ROLES, USERNAME_PATTERN, type SiteScope } from '@hallmon/contract';
import { UserError, type UserAccount } from './auth/users.ts';
import { openState, stateFlag, STATE_FLAG } from './state/index.ts';
import type { AuditState, ConfigState, UserState } from './state/state.ts';

const ACTIONS = ['add', 'list', 'passwd', 'disable', 'enable', 'remove'] as const;
type Action = (typeof ACTIONS)[number];

export const spec: CommandSpec = {
  name: 'user',
  summary:
    'Manage the people who sign in: add, list, set a password, disable/enable, remove (works while the server runs).',
  usage: [
    'hallmon user add USERNAME --role ROLE --sites demo,other|* [--name NAME] [--expires YYYY-MM-DD] [--password P]',
    '       hallmon user list [--json]',
    '       hallmon user passwd USERNAME [--password P]',
    '       hallmon user disable|enable|remove USERNAME',
    '       (every form takes --data-dir DIR or --state URL, and --config FILE)',
  ].join('\n'),
  flags: {
    'data-dir': { type: 'string', arg: 'DIR', help: "the server's data folder", default: './data/server' },
    state: STATE_FLAG,
    role: { type: 'string', arg: 'ROLE', help: `one of ${ROLES.join(', ')}` },
    sites: { type: 'string', arg: 'IDS', help: 'comma-separated site ids, or * for every site' },
    name: { type: 'string', arg: 'NAME', help: "the person's name, shown in the dashboard" },
    expires: {
      type: 'string',
      arg: 'DATE',
      help: 'last day the account works (YYYY-MM-DD, China time); required for assessors',
    },
    password: {
      type: 'string',
      arg: 'P',
      help: 'the password (HALLMON_PASSWORD keeps it off the command line); without one a password is generated and printed once',
    },
    json: { type: 'boolean', help: 'list as JSON' },
    config: {
      type: 'string',
      arg: 'FILE',
      multiple: true,
      help: "site config file (repeatable), to check --sites against; default: the sites of the server's config store (config.db in --data-dir, or the --state database)",
    },
  },
  examples: [
    'hallmon user add zhang --role hall --sites demo --name 张经理 --data-dir /var/lib/hallmon',
    'hallmon user add pinggu --role assessor --sites demo --expires 2026-12-31',
    'HALLMON_PASSWORD=... hallmon user passwd zhang',
    'hallmon user disable zhang',
  ],
};

export async function run(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  const parsed = parseCommand(spec, argv, process.env, out, true);
  if (!parsed) return 0;
  const [action, username, ...rest] = parsed.positionals;
  if (!action || !(ACTIONS as readonly string[]).includes(action))
    throw new UsageError(
      `say what to do: hallmon user ${ACTIONS.join('|')} ...\nRun 'hallmon user --help' for the options.`,
    );
  if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"; one USERNAME at a time`);
  if (action !== 'list' && !username) throw new UsageError(`hallmon user ${action} needs a USERNAME`);
  if (username !== undefined && !new RegExp(USERNAME_PATTERN).test(username))
    throw new UsageError(
      `USERNAME "${username}" must be 1-64 of letters, digits and . _ @ - (starting with a letter or digit)`,
    );
  const dataDir = resolve(String(parsed.flags['data-dir']));
  const stateUrl = stateFlag(parsed.flags);
  if (!stateUrl && !existsSync(dataDir))
    throw new UsageError(`the data folder ${dataDir} does not exist; give the server's with --data-dir DIR`);
  const state = await openState({ dataDir, state: stateUrl });
  try {
    return await act(action as Action, username ?? '', parsed.flags, {
      users: state.users,
      audit: state.audit,
      config: state.config,
      out,
    });
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`hallmon user ${action}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await state.close();
  }
}

interface Deps {
  users: UserState;
  audit: AuditState;
  config: ConfigState;
  out: (s: string) => void;
}

async function act(
  action: Action,
  username: string,
  flags: ParsedFlags,
  { users, audit, config, out }: Deps,
): Promise<number> {
  const actor = `cli:${osUser()}`;
  const str = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  switch (action) {
    case 'list': {
      const list = await users.list();
      if (flags.json) out(JSON.stringify(list.map(listJson), null, 2));
      else for (const u of list) out(listLine(u));
      return 0;
    }
    case 'add': {
      const role = str('role');
      if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const sitesText = str('sites');
      if (!sitesText) throw new UsageError('--sites is required: comma-separated site ids, or * for every site');
      const sites = await parseSites(sitesText, flags, config);
      const expires = parseExpires(str('expires'));
      const { password, generated } = passwordOf(str('password'));
      const u = await users.create({ username, password, role, sites, name: str('name') ?? null, expires });
      await audit.record({
        actor,
        action: 'user-create',
        target: u.username,
        detail: { role, sites: sitesText, expires: str('expires') ?? null },
      });
      out(`added ${listLine(u)}`);
      if (generated) out(`  password (shown only now): ${password}`);
      return 0;
    }
    case 'passwd': {
      const { password, generated } = passwordOf(str('password'));
      await users.update(username, { password });
      await audit.record({ actor, action: 'user-update', target: username, detail: { password: 'changed' } });
      out(`new password set for "${username}"; its sessions have ended`);
      if (generated) out(`  password (shown only now): ${password}`);
      return 0;
    }
    case 'disable':
    case 'enable': {
      const disabled = action === 'disable';
      await users.update(username, { disabled });
      await audit.record({ actor, action: 'user-update', target: username, detail: { disabled } });
      out(disabled ? `"${username}" is disabled; its sessions have ended` : `"${username}" is enabled`);
      return 0;
    }
    case 'remove': {
      await users.remove(username);
      await audit.record({ actor, action: 'user-delete', target: username });
      out(`removed "${username}"`);
      return 0;
    }
  }
}

async function parseSites(text: string, flags: ParsedFlags, config: ConfigState): Promise<SiteScope> {
  if (text.trim() === '*') return '*';
  const ids = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const c = flags.config;
  const files = Array.isArray(c) ? c : typeof c === 'string' ? [c] : [];
  const known = files.length
    ? loadSites(
        files.map((f) => resolve(f)),
        loadProfiles(),
      )
    : await serverSites(config);
  const bad = ids.find((s) => !known.has(s));
  if (bad !== undefined)
    throw new UsageError(
      `--sites: unknown site "${bad}" (known: ${[...known.keys()].join(', ')}); give the server's site configs with --config FILE`,
    );
  if (!ids.length) throw new UsageError('--sites names no site; give ids like demo,other or *');
  return ids;
}

/** The sites of the server's config store (config.db, or the group's --state), else the shipped ones. */
async function serverSites(config: ConfigState): Promise<ReadonlyMap<string, unknown>> {
  if (await config.isEmpty()) return loadSites(undefined, loadProfiles());
  return new Map([...(await config.latest()).values()].filter((v) => !v.deleted).map((v) => [v.site, v] as const));
}

function parseExpires(v: string | undefined): number | null {
  if (v === undefined) return null;
  const ms = expiryMs(v);
  if (!Number.isFinite(ms)) throw new UsageError(`--expires "${v}" is not a date (YYYY-MM-DD) or an ISO 8601 time`);
  return ms;
}

function passwordOf(given: string | undefined): { password: string; generated: boolean } {
  if (given) return { password: given, generated: false };
  return { password: randomBytes(12).toString('base64url'), generated: true };
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function listJson(u: UserAccount) {
  return {
    username: u.username,
    role: u.role,
    sites: u.sites,
    name: u.name,
    expires: iso(u.expires),
    disabled: u.disabled,
    lastLoginAt: iso(u.lastLoginAt),
  };
}

function listLine(u: UserAccount): string {
  const sites = u.sites === '*' ? 'all sites' : u.sites.join(',');
  const bits = [
    u.username.padEnd(16),
    u.role.padEnd(9),
    sites,
    u.name ? `"${u.name}"` : '',
    u.expires !== null ? `expires ${iso(u.expires)}` : '',
    u.disabled ? 'DISABLED' : '',
  ];
  return bits.filter(Boolean).join('  ');
}
