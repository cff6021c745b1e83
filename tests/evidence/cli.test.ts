// `hallmon evidence`: writes a pack folder from a data dir and reports the verdicts; usage errors
// name the flag. (verify's exit codes are covered in pack.test.ts.)
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '@hallmon/firmware-config';
import { run } from '../../server/src/evidence-cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { at, MIN, openStore, readings, write } from './fixture.ts';

test('hallmon evidence --site demo --from --to --out writes a pack that verifies', async (t) => {
  const { store, dir } = await openStore(t);
  await write(
    store,
    readings('ar-th-1', 'humidity', at('2025-05-06 00:00'), MIN, 1440, (i) => (i >= 600 && i < 800 ? 70 : 50)),
  );
  const out = tempDir('hallmon-cli-pack-');
  t.onTestFinished(() => out.remove());
  const code = await run([
    '--site',
    'demo',
    '--from',
    '2025-05-06',
    '--to',
    '2025-05-06',
    '--out',
    out.path,
    '--data-dir',
    dir,
  ]);
  assert.equal(code, 0);
  for (const f of [
    'evidence.json',
    'evidence.pdf',
    'manifest.json',
    'csv/summary.csv',
    'csv/minutes/ar-th-1__humidity.csv',
  ])
    assert.ok(existsSync(join(out.path, f)), f);
  const pack = JSON.parse(readFileSync(join(out.path, 'evidence.json'), 'utf8'));
  assert.equal(pack.clauses.find((c: { clause: string }) => c.clause === '5.3').verdict, 'fail');
  assert.equal(await run(['verify', out.path, '--data-dir', dir]), 0);
  await assert.rejects(
    run(['--from', '2025-05-06', '--to', '2025-05-06', '--out', out.path, '--data-dir', dir]),
    (e: unknown) => e instanceof UsageError && /--site/.test(e.message),
  );
  await assert.rejects(
    run(['--site', 'demo', '--from', '2025-05-07', '--to', '2025-05-06', '--out', out.path, '--data-dir', dir]),
    (e: unknown) => e instanceof UsageError && /empty/.test(e.message),
  );
});
