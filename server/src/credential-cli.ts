// `hallmon credential new|list|revoke` on a server's data dir: MQTT credentials for a site's gateway
// (its edge, or a third-party gateway) or for one MQTT device on the edge's broker (an evaluator, a
// queue machine). The secret is printed once and only its scrypt hash is kept (config/config-store.ts);
// a running server takes a new one within a second and closes the connections of a revoked one.
// Exit 0 on success, 1 when refused, 2 for usage errors.
import { toIso, parseCommand, UsageError, type CommandSpec } from '@hallmon/firmware-config';
import { EditorError } from './config/config-editor.ts';
import { openConfig } from './config/open-store.ts';
import { STATE_FLAG, stateFlag } from './state/index.ts';
import type { Credential } from './config/config-store.ts';

const ACTIONS = ['new', 'list', 'revoke'] as const;

export const spec: CommandSpec = {
  name: 'credential',
  summary: "MQTT credentials: a site's gateway or one MQTT device; the secret is shown once, only its hash kept.",
  usage: [
    'hallmon credential new --site S [--device D] [--username U] [--note TEXT]',
    '       hallmon credential list [--site S] [--all] [--json]',
    '       hallmon credential revoke ID',
    "       (every form takes --data-dir DIR, the server's data folder, or --state URL, a group's PostgreSQL)",
  ].join('\n'),
  flags: {
    'data-dir': { type: 'string', arg: 'DIR', help: "the server's data folder", default: './data/server' },
    state: {
      ...STATE_FLAG,
      help: "the server group's PostgreSQL state (postgres://user:pass@host:5432/db) instead of config.db in --data-dir",
    },
    site: { type: 'string', arg: 'S', help: 'the site' },
    device: {
      type: 'string',
      arg: 'D',
      help: "an MQTT device of the site (it logs in to the edge's broker with its id); absent: a gateway credential",
    },
    username: { type: 'string', arg: 'U', help: 'gateway username (default <site>-gw-<4 hex>)' },
    note: { type: 'string', arg: 'TEXT', help: 'what it is for (shown in lists)' },
    all: { type: 'boolean', help: 'list revoked credentials too' },
    json: { type: 'boolean', help: 'list as JSON' },
  },
  examples: [
    'hallmon credential new --site demo --data-dir /var/lib/hallmon',
    'hallmon credential new --site demo --device eval-w05',
    'hallmon credential list --site demo',
    'hallmon credential revoke cred-0a1b2c3d4e',
  ],
};

export async function run(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  const parsed = parseCommand(spec, argv, process.env, out, true);
  if (!parsed) return 0;
  const [action, arg, ...rest] = parsed.positionals;
  if (!action || !(ACTIONS as readonly string[]).includes(action))
    throw new UsageError(
      `say what to do: hallmon credential ${ACTIONS.join('|')} ...\nRun 'hallmon credential --help'.`,
    );
  if (rest.length || (action !== 'revoke' && arg !== undefined))
    throw new UsageError(`unexpected argument "${rest[0] ?? arg}"`);
  const f = parsed.flags;
  const str = (n: string) => (typeof f[n] === 'string' && f[n] !== '' ? (f[n] as string) : undefined);
  const cfg = await openConfig(String(f['data-dir']), stateFlag(f));
  try {
    switch (action) {
      case 'new': {
        const site = str('site');
        if (!site) throw new UsageError('hallmon credential new needs --site S');
        const device = str('device');
        const username = str('username');
        const note = str('note');
        const { credential, password } = await cfg.editor.newCredential(
          { site, ...(device ? { device } : {}), ...(username ? { username } : {}), ...(note ? { note } : {}) },
          cfg.actor,
        );
        out(
          `new ${credential.device ? `device credential for ${credential.device}` : 'gateway credential'} of site ${site} (${credential.id})`,
        );
        out(`  username  ${credential.username}`);
        out(`  password  ${password}`);
        out('  The password is shown only now; the server keeps its scrypt hash. Revoke with:');
        out(`  hallmon credential revoke ${credential.id}`);
        return 0;
      }
      case 'list': {
        const site = str('site');
        const list = await cfg.store.credentials({ ...(site ? { site } : {}), active: f.all !== true });
        if (f.json) out(JSON.stringify(list.map(listJson), null, 2));
        else if (!list.length) out('no credentials');
        else for (const c of list) out(listLine(c));
        return 0;
      }
      case 'revoke': {
        if (!arg)
          throw new UsageError(
            'hallmon credential revoke needs the credential ID (hallmon credential list shows them)',
          );
        const c = await cfg.editor.revoke(arg, cfg.actor);
        out(
          `revoked ${c.username} of site ${c.site} (${c.id}); a running server closes its connections within a second`,
        );
        return 0;
      }
    }
    return 2;
  } catch (err) {
    if (err instanceof EditorError) {
      process.stderr.write(`hallmon credential ${action}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await cfg.close();
  }
}

function listJson(c: Credential) {
  const { passwordHash: _h, ...rest } = c;
  return {
    ...rest,
    createdAt: toIso(c.createdAt),
    revokedAt: c.revokedAt === null ? null : toIso(c.revokedAt),
  };
}

function listLine(c: Credential): string {
  return [
    c.id.padEnd(16),
    c.site.padEnd(20),
    (c.device ? `device ${c.device}` : 'gateway').padEnd(20),
    c.username,
    `created ${toIso(c.createdAt)} by ${c.createdBy}`,
    c.revokedAt !== null ? `REVOKED ${toIso(c.revokedAt)} by ${c.revokedBy ?? '?'}` : '',
    c.note ? `"${c.note}"` : '',
  ]
    .filter(Boolean)
    .join('  ');
}
