// The bundle entry of `hallmon edge` (bin/build.js builds dist/edge.mjs from it): the edge CLI plus the same
// UsageError/ConfigError handling as bin/cli.ts, because inside the bundle those classes are the
// bundle's own copies and bin/cli.ts's instanceof checks could not see them.
import { ConfigError, UsageError } from '@hallmon/firmware-config';
import { run } from './cli.ts';

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`hallmon edge: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
