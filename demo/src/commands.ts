// The demo workspace's commands for the `hallmon` dispatcher (bin/cli.ts): the whole product on
// embedded defaults, and the simulators with the store backfill handed in.
import type { Command } from '@hallmon/firmware-config';

export const commands: Record<string, Command> = {
  demo: {
    summary: 'server + edge + simulators + dashboard on embedded defaults (what npm start runs)',
    load: () => import('./demo-cli.ts'),
  },
  simulate: {
    summary: 'simulated devices speaking the real protocols, driven by scenarios',
    load: () => import('./simulate-cli.ts'),
  },
};
