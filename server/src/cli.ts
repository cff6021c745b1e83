// `hallmon server`: parses flags (each with its HALLMON_* twin), starts the server, prints where
// to reach it and where its data lives, and stops gracefully on SIGINT/SIGTERM.
import { parseCommand, createLogger, levelOnSignal, setUpLogging } from '@hallmon/firmware-config';
import { serverCommand, serverOptions } from './options.ts';
import { startServer } from './server.ts';

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(serverCommand, argv);
  if (!parsed) return 0;
  const opts = serverOptions(parsed.flags);
  await setUpLogging(parsed.flags);
  const log = createLogger('hallmon-server');
  const stopLevelSignal = levelOnSignal(log);
  const server = await startServer({ ...opts, log });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`hallmon server ${server.url}  (API ${server.url}/api, dashboard ${server.url}/)`);
  if (server.mqttUrl)
    out(`MQTT broker    ${server.mqttUrl}${opts.mqttWs ? `  (and ${server.url.replace(/^http/, 'ws')}/mqtt)` : ''}`);
  if (opts.broker)
    out(
      `MQTT ingest    from external broker ${opts.broker.replace(/\/\/[^@/]*@/, '//***@')}${opts.shareGroup ? ` (shared with group "${opts.shareGroup}")` : ''}`,
    );
  out(`data           ${opts.dataDir}`);
  out(`time series    ${opts.store === 'influxdb' ? `InfluxDB ${opts.influxUrl}` : `SQLite in ${opts.dataDir}`}`);
  out(
    `state          ${server.state.kind === 'postgres' ? `PostgreSQL ${server.state.where}` : `SQLite files in ${opts.dataDir}`}`,
  );
  const versions = [...(await server.config.store.latest()).values()].filter((v) => !v.deleted);
  out(
    `sites          ${versions.map((v) => `${v.site} v${v.version}`).join(', ') || 'none'}  (kept in ${server.config.store.where}; change them in the dashboard or with hallmon config)`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      log.info({ signal }, 'stopping');
      resolve();
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
  await server.stop();
  stopLevelSignal();
  out('hallmon server stopped');
  return 0;
}
