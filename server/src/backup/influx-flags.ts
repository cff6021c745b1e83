// The InfluxDB flags `hallmon backup` and `hallmon restore` share: where the database is (the same
// --influx-url as the server's) and influxd's RPC address, which `influxd backup` and `restore` use.
import { UsageError, type FlagSpec, type ParsedFlags } from '@hallmon/firmware-config';
import type { InfluxBackupTarget } from './backup.ts';

export const INFLUX_FLAGS: Record<string, FlagSpec> = {
  'influx-url': {
    type: 'string',
    arg: 'URL',
    help: "the server's --influx-url (http://host:8086/DATABASE): its InfluxDB database is backed up too",
  },
  'influx-rpc': {
    type: 'string',
    arg: 'HOST:PORT',
    help: "influxd's RPC address (its bind-address; default the URL's host with port 8088)",
  },
  influxd: { type: 'string', arg: 'PATH', help: 'the influxd program', default: 'influxd' },
};

export function influxTargetOf(flags: ParsedFlags): InfluxBackupTarget | undefined {
  const url = flags['influx-url'];
  if (typeof url !== 'string' || url === '') return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--influx-url must be a URL such as http://127.0.0.1:8086/hallmon (got "${url}")`);
  }
  const rpc =
    typeof flags['influx-rpc'] === 'string' && flags['influx-rpc'] ? flags['influx-rpc'] : `${u.hostname}:8088`;
  if (!/^[^:]+:\d+$/.test(rpc)) throw new UsageError(`--influx-rpc must be HOST:PORT (got "${rpc}")`);
  return { url, rpc, influxd: typeof flags.influxd === 'string' ? flags.influxd : 'influxd' };
}
