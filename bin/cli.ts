// Dispatches `hallmon <command>` to the workspace that implements it, loading only that one.
import { UsageError, ConfigError } from '@hallmon/firmware-config';

interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {
  demo: { summary: 'server + edge + simulators + dashboard on embedded defaults (what npm start runs)', load: () => import('@hallmon/server/demo-cli') },
  server: { summary: 'the hallmon server: MQTT ingest, time-series store, API, live push', load: () => import('@hallmon/server/cli') },
  edge: { summary: 'the hall edge agent: reads devices, checks clauses, forwards with store-and-forward', load: () => import('@hallmon/edge/cli') },
  selftest: { summary: 'raise and clear a TEST alarm through the real alarm path; report deliveries', load: () => import('@hallmon/server/selftest-cli') },
  evidence: { summary: 'evidence pack of a site for a period (JSON, CSV, PDF, manifest); evidence verify PACKDIR', load: () => import('@hallmon/server/evidence-cli') },
  simulate: { summary: 'simulated devices speaking the real protocols, driven by scenarios', load: () => import('@hallmon/server/simulate-cli') },
};

function usage(): string {
  const w = Math.max(...Object.keys(commands).map((c) => c.length)) + 2;
  return [
    'hallmon: environment-clause monitoring and evidence for government service halls',
    '',
    'Usage: hallmon <command> [options]    (hallmon <command> --help for its options)',
    '',
    'Commands:',
    ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(w)}${c.summary}`),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 1;
  }
  if (name === '--version') {
    const { createRequire } = await import('node:module');
    process.stdout.write(`${(createRequire(import.meta.url)('../package.json') as { version: string }).version}\n`);
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    process.stderr.write(`hallmon: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    const mod = await cmd.load();
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`hallmon ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
