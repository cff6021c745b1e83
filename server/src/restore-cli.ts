// `hallmon restore --from FILE --data-dir NEW_DIR [--influx-url URL --influx-rpc HOST:PORT]`: puts a
// backup into a new data dir (and a new InfluxDB database), checked against its manifest first
// (backup/restore.ts). Exit 0 restored, 1 refused or failed (nothing half-restored is left in the
// way), 2 for usage.
import { parseCommand, UsageError, type CommandSpec } from '@hallmon/firmware-config';
import { restoreBackup } from './backup/restore.ts';
import { INFLUX_FLAGS, influxTargetOf } from './backup/influx-flags.ts';

export const spec: CommandSpec = {
  name: 'restore',
  summary: 'Restore a hallmon backup into a new data dir (and a new InfluxDB database), after checking its checksums.',
  usage: 'hallmon restore --from FILE --data-dir NEW_DIR [--influx-url http://HOST:8086/NEW_DB --influx-rpc HOST:PORT]',
  flags: {
    from: { type: 'string', arg: 'FILE', help: 'the .tar.gz of hallmon backup' },
    'data-dir': { type: 'string', arg: 'DIR', help: 'a new (missing or empty) data dir to restore into' },
    ...INFLUX_FLAGS,
  },
  examples: [
    'hallmon restore --from /backup/hallmon-backup-20250501T020000.000Z.tar.gz --data-dir /var/lib/hallmon-restored',
    'hallmon restore --from b.tar.gz --data-dir ./restored --influx-url http://127.0.0.1:8086/hallmon_restored --influx-rpc 127.0.0.1:8088',
  ],
};

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) return 0;
  const f = parsed.flags;
  if (typeof f.from !== 'string' || !f.from) throw new UsageError('--from FILE is required: the backup to restore');
  if (typeof f['data-dir'] !== 'string' || !f['data-dir'])
    throw new UsageError('--data-dir is required: a new, empty folder to restore into');
  const say = (s: string) => process.stdout.write(`${s}\n`);
  try {
    const m = await restoreBackup({ from: f.from, dataDir: f['data-dir'], influx: influxTargetOf(f), say });
    say(`restore: done (backup of ${m.createdAt}, hallmon ${m.version}).`);
    say(
      `Start the server on it: hallmon server --data-dir ${f['data-dir']}${typeof f['influx-url'] === 'string' && f['influx-url'] ? ` --store influxdb --influx-url ${f['influx-url']}` : ''}`,
    );
    return 0;
  } catch (err) {
    process.stderr.write(`hallmon restore: ${(err as Error).message}\n`);
    return 1;
  }
}
