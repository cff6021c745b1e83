// `hallmon simulate`: the simulators' command with the store backfill handed in, so
// `--backfill --data-dir` can write and seal a server store while simulators depends on no server
// code. The writer loads only when asked for: live simulations never open the store modules.
import { runSimulate } from '@hallmon/simulators';

export function run(argv: string[]): Promise<number> {
  return runSimulate(argv, { backfillStore: async (o) => (await import('./backfill-store.ts')).backfillStore(o) });
}
