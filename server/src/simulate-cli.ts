// `hallmon simulate`: the simulators' command with the server's store backfill handed in, so
// `--backfill --data-dir` can write and seal a store while simulators depends on no server code.
// The writer loads only when asked for: live simulations never open the store modules.
import { run as simulate } from '@hallmon/simulators/cli';

export function run(argv: string[]): Promise<number> {
  return simulate(argv, { backfillStore: async (o) => (await import('./backfill-store.ts')).backfillStore(o) });
}
