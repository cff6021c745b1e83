// `hallmon config list|history|export|import|rollback` on a server's data dir: the versioned site
// configuration the server keeps (config/config-store.ts), from the command line, for scripts and
// version control. import takes today's site files (JSON or YAML) and stores a new version only when
// a file differs from the current one; export writes one back. Safe while the server runs (it applies
// what these write within a second); changes are audited as "cli:<os user>". Exit 0 on success, 1
// when refused (every problem of a refused file is listed with its path), 2 for usage errors.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigError,
  formatDataFile,
  intFlag,
  parseCommand,
  readDataFile,
  toIso,
  UsageError,
  type CommandSpec,
} from '@hallmon/firmware-config';
import { EditorError } from './config/config-editor.ts';
import { openConfig } from './config/open-store.ts';
import { STATE_FLAG, stateFlag } from './state/index.ts';

const ACTIONS = ['list', 'history', 'export', 'import', 'rollback'] as const;

export const spec: CommandSpec = {
  name: 'config',
  summary: 'The site configuration the server keeps: list, history, export, import, rollback.',
  usage: [
    'hallmon config list',
    '       hallmon config history --site S',
    '       hallmon config export --site S [--format json|yaml] [--version N] [--out FILE]',
    '       hallmon config import FILE... [--note TEXT]',
    '       hallmon config rollback --site S --version N [--note TEXT]',
    "       (every form takes --data-dir DIR, the server's data folder, or --state URL, a group's PostgreSQL)",
  ].join('\n'),
  flags: {
    'data-dir': { type: 'string', arg: 'DIR', help: "the server's data folder", default: './data/server' },
    state: {
      ...STATE_FLAG,
      help: "the server group's PostgreSQL state (postgres://user:pass@host:5432/db) instead of config.db in --data-dir",
    },
    site: { type: 'string', arg: 'S', help: 'the site' },
    version: { type: 'string', arg: 'N', help: 'a version of the site (history lists them)' },
    format: { type: 'string', arg: 'F', help: 'export as json or yaml', default: 'json' },
    out: { type: 'string', arg: 'FILE', help: 'export into this file (default: print)' },
    note: { type: 'string', arg: 'TEXT', help: 'why (kept with the version and in the audit trail)' },
  },
  examples: [
    'hallmon config list --data-dir /var/lib/hallmon',
    'hallmon config export --site demo --format yaml --out demo.yaml',
    'hallmon config import demo.yaml --note "new machine-room transmitter"',
    'hallmon config rollback --site demo --version 3',
  ],
};

export async function run(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  const parsed = parseCommand(spec, argv, process.env, out, true);
  if (!parsed) return 0;
  const [action, ...args] = parsed.positionals;
  if (!action || !(ACTIONS as readonly string[]).includes(action))
    throw new UsageError(`say what to do: hallmon config ${ACTIONS.join('|')} ...\nRun 'hallmon config --help'.`);
  if (action !== 'import' && args.length) throw new UsageError(`unexpected argument "${args[0]}"`);
  const f = parsed.flags;
  const str = (n: string) => (typeof f[n] === 'string' && f[n] !== '' ? (f[n] as string) : undefined);
  const site = () => {
    const s = str('site');
    if (!s) throw new UsageError(`hallmon config ${action} needs --site S`);
    return s;
  };
  const cfg = await openConfig(String(f['data-dir']), stateFlag(f));
  try {
    switch (action) {
      case 'list':
        for (const v of (await cfg.store.latest()).values())
          out(
            `${v.site.padEnd(24)} v${String(v.version).padEnd(4)} ${v.deleted ? 'REMOVED ' : ''}${toIso(v.ts)} ${v.actor}  ${v.config.name}`,
          );
        return 0;
      case 'history': {
        const h = await cfg.store.history(site());
        if (!h.length) throw new EditorError('unknown', `unknown site "${str('site')}"`);
        for (const v of h)
          out(
            `v${String(v.version).padEnd(4)} ${toIso(v.ts)}  ${v.actor.padEnd(14)} ${v.action.padEnd(8)} ${v.summary}${v.note ? `  "${v.note}"` : ''}`,
          );
        return 0;
      }
      case 'export': {
        const id = site();
        const n = intFlag(f, 'version', 1, 1e9);
        const v = n ? await cfg.store.version(id, n) : await cfg.editor.live(id);
        if (!v) throw new EditorError('unknown', `site "${id}" has no version ${n}`);
        const format = str('format') ?? 'json';
        if (format !== 'json' && format !== 'yaml')
          throw new UsageError(`--format must be json or yaml (got "${format}")`);
        const gw = (await cfg.store.credentials({ site: id, active: true }))
          .filter((c) => c.device === null)
          .sort((a, b) => a.createdAt - b.createdAt)[0];
        const text = formatDataFile(
          { ...v.config, ...(gw ? { gateway: { username: gw.username, passwordHash: gw.passwordHash } } : {}) },
          format,
        );
        const file = str('out');
        if (file) {
          writeFileSync(resolve(file), text);
          out(`site ${id} version ${v.version} written to ${resolve(file)}`);
        } else process.stdout.write(text);
        return 0;
      }
      case 'import': {
        if (!args.length) throw new UsageError('hallmon config import needs one or more site files');
        for (const file of args.map((a) => resolve(a))) {
          const v = await cfg.editor.import(readDataFile(file), file, cfg.actor, 'import', {
            note: str('note') ?? `from ${file}`,
          });
          out(v ? `site ${v.site}: version ${v.version} (${v.summary})` : `${file}: no change`);
        }
        return 0;
      }
      case 'rollback': {
        const id = site();
        const n = intFlag(f, 'version', 1, 1e9);
        if (!n) throw new UsageError('hallmon config rollback needs --version N (hallmon config history lists them)');
        const v = await cfg.editor.rollback(id, n, cfg.actor, { note: str('note') ?? null });
        out(`site ${id}: version ${v.version} has the content of version ${n}${v.deleted ? ' (removed)' : ''}`);
        return 0;
      }
    }
    return 2;
  } catch (err) {
    if (err instanceof EditorError || err instanceof ConfigError) {
      process.stderr.write(`hallmon config ${action}: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await cfg.close();
  }
}
