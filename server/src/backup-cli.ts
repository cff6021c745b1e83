// `hallmon backup --data-dir DIR (--out FILE | --out-dir DIR [--keep N])`: a consistent backup of a
// data dir while the server runs (backup/backup.ts), for cron, a systemd timer or the server's own
// schedule (--backup-dir). Exit 0 with the file written, 1 when it could not be made, 2 for usage.
import { resolve } from 'node:path';
import { intFlag, parseCommand, UsageError, type CommandSpec } from '@hallmon/firmware-config';
import { backupDataDir, backupName, pruneBackups } from './backup/backup.ts';
import { INFLUX_FLAGS, influxTargetOf } from './backup/influx-flags.ts';

export const spec: CommandSpec = {
  name: 'backup',
  summary:
    'Back up a data dir (every SQLite database, and InfluxDB) into one .tar.gz with checksums, while the server runs.',
  usage:
    'hallmon backup --data-dir DIR (--out FILE | --out-dir DIR [--keep N]) [--influx-url URL --influx-rpc HOST:PORT]',
  flags: {
    'data-dir': { type: 'string', arg: 'DIR', help: "the server's data dir", default: './data/server' },
    out: { type: 'string', arg: 'FILE', help: 'the backup file to write (.tar.gz)' },
    'out-dir': { type: 'string', arg: 'DIR', help: 'write hallmon-backup-<UTC time>.tar.gz into this folder' },
    keep: { type: 'string', arg: 'N', help: 'with --out-dir: keep the newest N backups there, delete older ones' },
    ...INFLUX_FLAGS,
  },
  examples: [
    'hallmon backup --data-dir /var/lib/hallmon --out /backup/hallmon-2025-05-01.tar.gz',
    'hallmon backup --data-dir /var/lib/hallmon --out-dir /backup --keep 14',
    'hallmon backup --data-dir /var/lib/hallmon --out-dir /backup --influx-url http://127.0.0.1:8086/hallmon --influx-rpc 127.0.0.1:8088',
  ],
};

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) return 0;
  const f = parsed.flags;
  const out = typeof f.out === 'string' && f.out ? resolve(f.out) : undefined;
  const outDir = typeof f['out-dir'] === 'string' && f['out-dir'] ? resolve(f['out-dir']) : undefined;
  if (!out === !outDir) throw new UsageError('give either --out FILE or --out-dir DIR');
  const keep = intFlag(f, 'keep', 1, 10_000);
  if (keep !== undefined && !outDir) throw new UsageError('--keep goes with --out-dir');
  const file = out ?? resolve(outDir!, backupName());
  const say = (s: string) => process.stdout.write(`${s}\n`);
  try {
    const m = await backupDataDir({
      dataDir: String(f['data-dir']),
      out: file,
      influx: influxTargetOf(f),
      say,
    });
    say(
      `backup: ${file} (${m.sqlite.length} SQLite databases${m.influx ? `, InfluxDB ${m.influx.database}` : ''}, ${m.files.length} files)`,
    );
  } catch (err) {
    process.stderr.write(`hallmon backup: ${(err as Error).message}\n`);
    return 1;
  }
  if (outDir && keep !== undefined)
    for (const gone of pruneBackups(outDir, keep)) say(`backup: removed the older ${gone}`);
  say(`Restore it with: hallmon restore --from ${file} --data-dir NEW_DIR`);
  return 0;
}
