// The server's commands for the `hallmon` dispatcher (bin/cli.ts), each loaded only when run.
import type { Command } from '@hallmon/firmware-config';

export const commands: Record<string, Command> = {
  server: {
    summary: 'the hallmon server: MQTT ingest, time-series store, API, live push',
    load: () => import('./cli.ts'),
  },
  selftest: {
    summary: 'raise and clear a TEST alarm through the real alarm path; report deliveries',
    load: () => import('./selftest-cli.ts'),
  },
  user: {
    summary: 'manage the people who sign in: hallmon user add|list|passwd|disable|enable|remove',
    load: () => import('./user-cli.ts'),
  },
  config: {
    summary: 'the site configuration the server keeps: hallmon config list|history|export|import|rollback',
    load: () => import('./config-cli.ts'),
  },
  credential: {
    summary: 'MQTT credentials of a gateway or a device: hallmon credential new|list|revoke',
    load: () => import('./credential-cli.ts'),
  },
  evidence: {
    summary: 'evidence pack of a site for a period (JSON, CSV, PDF, manifest); evidence verify PACKDIR',
    load: () => import('./evidence-cli.ts'),
  },
};
