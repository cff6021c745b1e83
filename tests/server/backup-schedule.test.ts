// Scheduled backups of a running server (--backup-dir, --backup-every, --backup-keep): each run is
// the real `hallmon backup` in a child process; the newest N are kept; a run that cannot write is
// logged and counted, and /metrics shows both (docs/operations.md, "Backup and restore").
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';

test('scheduled backups keep the newest N; a failing run is counted in /metrics', async (t) => {
  const dir = tempDir('hallmon-backup-schedule-');
  t.onTestFinished(() => dir.remove());
  const backups = join(dir.path, 'backups');
  const server = await startTestServer({ backup: { dir: backups, everyMs: 3_600_000, keep: 2 } });
  t.onTestFinished(() => server.stop());
  const schedule = server.ops.backups!;
  for (let i = 0; i < 3; i++) await schedule.runOnce();
  const files = readdirSync(backups).filter((f) => f.endsWith('.tar.gz'));
  assert.equal(files.length, 2, files.join(' '));
  assert.equal(schedule.failures, 0);
  assert.ok(schedule.lastSuccess !== null);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^hallmon_backup_last_success_timestamp_seconds \d+/m);
  assert.match(metrics, /^hallmon_backup_failures_total 0$/m);

  // The backup folder turns into a file: the next run fails, says so, and is counted.
  const blocked = await startTestServer({
    backup: { dir: join(dir.path, 'not-a-dir', 'x'), everyMs: 3_600_000, keep: 2 },
  });
  t.onTestFinished(() => blocked.stop());
  writeFileSync(join(dir.path, 'not-a-dir'), 'a file where the backup folder should be');
  await blocked.ops.backups!.runOnce();
  assert.equal(blocked.ops.backups!.failures, 1);
  assert.match(await (await fetch(`${blocked.url}/metrics`)).text(), /^hallmon_backup_failures_total 1$/m);
});
