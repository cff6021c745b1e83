// Dispatches `hallmon <command>` to the workspace that implements it, loading only that one.
import { UsageError, ConfigError, versionLine, type Command } from '@hallmon/firmware-config';
import { commands as demoCommands } from '@hallmon/demo/commands';
import { commands as edgeCommands } from '@hallmon/edge/commands';
import { commands as serverCommands } from '@hallmon/server/commands';

/** In the order `hallmon --help` lists them; each workspace offers its own and loads them lazily. */
const commands: Record<string, Command> = { ...demoCommands, ...serverCommands, ...edgeCommands };

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
    process.stdout.write(`${versionLine()}\n`);
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
