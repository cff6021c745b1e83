// `hallmon service install server|edge [--user U] [--config FILE]`: writes the systemd unit that
// runs the server or a hall's edge agent as a service (service/systemd-unit.ts) and says the
// commands that create the user and start it. The unit runs this installation's node and
// bin/hallmon.js with absolute paths, so it keeps working from any folder. Windows hall PCs use a
// service wrapper instead (docs/operations.md, "Windows"); this command says so there.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  INSTALL_ROOT,
  loadEdgeConfig,
  loadProfiles,
  parseCommand,
  UsageError,
  VERSION,
  type CommandSpec,
} from '@hallmon/firmware-config';
import { systemdUnit } from './service/systemd-unit.ts';

export const spec: CommandSpec = {
  name: 'service',
  summary: 'Install hallmon as a system service: hallmon service install server|edge writes its systemd unit.',
  usage:
    'hallmon service install server|edge [--user U] [--config FILE] [--data-dir DIR] [--unit-dir DIR] [-- SERVER-FLAGS...]',
  flags: {
    user: { type: 'string', arg: 'USER', help: 'the account the service runs as', default: 'hallmon' },
    config: {
      type: 'string',
      arg: 'FILE',
      multiple: true,
      help: 'edge: its config file (required); server: site config files (repeatable; default the shipped ones)',
    },
    'data-dir': {
      type: 'string',
      arg: 'DIR',
      help: "server: its data dir (the edge's is in its config)",
      default: '/var/lib/hallmon/server',
    },
    'log-dir': {
      type: 'string',
      arg: 'DIR',
      help: 'log to rotating files in DIR instead of the journal',
    },
    'unit-dir': {
      type: 'string',
      arg: 'DIR',
      help: 'where the unit file goes',
      default: '/etc/systemd/system',
    },
  },
  examples: [
    'sudo hallmon service install server --data-dir /var/lib/hallmon/server',
    'sudo hallmon service install server -- --store influxdb --influx-url http://127.0.0.1:8086/hallmon',
    'sudo hallmon service install edge --config /etc/hallmon/edge.json',
  ],
};

export async function run(argv: string[]): Promise<number> {
  const dashdash = argv.indexOf('--');
  const passthrough = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const parsed = parseCommand(spec, own, process.env, undefined, true);
  if (!parsed) return 0;
  const [action, kind] = parsed.positionals;
  if (action !== 'install' || (kind !== 'server' && kind !== 'edge'))
    throw new UsageError(
      'say what to install: hallmon service install server, or hallmon service install edge --config FILE',
    );
  if (process.platform === 'win32')
    throw new UsageError(
      'on Windows, run hallmon as a service with WinSW: docs/operations.md, "Windows", has the service XML to use',
    );
  const f = parsed.flags;
  const user = String(f.user);
  if (!/^[a-z_][a-z0-9_-]{0,31}$/i.test(user)) throw new UsageError(`--user: "${user}" is not a user name`);
  const configs = (Array.isArray(f.config) ? f.config : typeof f.config === 'string' ? [f.config] : []).map((c) =>
    resolve(c),
  );
  for (const c of configs) if (!existsSync(c)) throw new UsageError(`--config: file not found: ${c}`);
  const logDir = typeof f['log-dir'] === 'string' && f['log-dir'] ? resolve(f['log-dir']) : undefined;
  const logArgs = logDir ? ['--log-file', join(logDir, kind)] : [];

  let args: string[];
  let writable: string[];
  let workingDirectory: string;
  if (kind === 'edge') {
    if (configs.length !== 1) throw new UsageError('the edge needs its config: --config /etc/hallmon/edge.json');
    // Checked now, with every problem listed, rather than at the service's first start.
    const { config } = loadEdgeConfig(configs[0]!, loadProfiles());
    const dataDir = resolve(dirname(configs[0]!), config.dataDir);
    args = ['--config', configs[0]!, ...logArgs, ...passthrough];
    writable = [dataDir, ...(logDir ? [logDir] : [])];
    workingDirectory = dataDir;
  } else {
    const dataDir = resolve(String(f['data-dir']));
    args = ['--data-dir', dataDir, ...configs.flatMap((c) => ['--config', c]), ...logArgs, ...passthrough];
    writable = [dataDir, ...(logDir ? [logDir] : [])];
    workingDirectory = dataDir;
  }
  const unit = systemdUnit({
    kind,
    node: process.execPath,
    hallmon: join(INSTALL_ROOT, 'bin', 'hallmon.js'),
    args,
    user,
    writable,
    workingDirectory,
    version: VERSION,
    docs: `file://${join(INSTALL_ROOT, 'docs', 'operations.md')}`,
  });
  const unitDir = resolve(String(f['unit-dir']));
  const file = join(unitDir, `hallmon-${kind}.service`);
  try {
    mkdirSync(unitDir, { recursive: true });
    writeFileSync(file, unit);
  } catch (err) {
    process.stderr.write(`hallmon service: cannot write ${file}: ${(err as Error).message} (run it with sudo)\n`);
    return 1;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`wrote ${file}`);
  out('Next, as root:');
  out(`  id ${user} || useradd --system --home-dir /var/lib/hallmon --shell /usr/sbin/nologin ${user}`);
  if (kind === 'edge') out(`  usermod -a -G dialout ${user}     # the serial adapters`);
  for (const d of writable) out(`  install -d -o ${user} -g ${user} -m 0750 ${d}`);
  out(`  systemctl daemon-reload && systemctl enable --now hallmon-${kind}`);
  out(`  journalctl -u hallmon-${kind} -f     # its log`);
  return 0;
}
