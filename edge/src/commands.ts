// The edge's command for the `hallmon` dispatcher (bin/cli.ts). `hallmon edge` normally runs from
// the bundle (dist/edge.mjs, built by bin/build.js); the dispatcher takes this path with HALLMON_EDGE_FROM_SOURCE=1.
import type { Command } from '@hallmon/firmware-config';

export const commands: Record<string, Command> = {
  edge: {
    summary: 'the hall edge agent: reads devices, checks clauses, forwards with store-and-forward',
    load: () => import('./cli.ts'),
  },
};
