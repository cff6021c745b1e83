// The pack on disk: the PDF carries the clause numbers and Chinese titles with Noto Sans SC
// embedded (pdftotext, pdffonts), the CSVs parse and agree with the JSON, and verify passes on an
// untouched store, then names the day after one stored reading is changed by SQL and names a file
// changed in the pack (both through verifyPack and `hallmon evidence verify`'s exit code).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writePack, SealStore, verifyPack } from '@hallmon/server';
import { run as evidenceCli } from '../../server/src/evidence-cli.ts';
import type { EvidencePack } from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';
import { at, demoSite, ev, evidence, MIN, openStore, profiles, readings, S, write } from './fixture.ts';

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF), enough to read our CSVs back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

async function filled(t: { onTestFinished(fn: () => unknown): void }) {
  const { store, dir } = await openStore(t);
  const d0 = at('2025-05-06 00:00');
  await write(
    store,
    readings('mr-th-1', 'temperature', d0, MIN, 3 * 1440, (i) => (i >= 1430 && i < 1460 ? 27.5 : 24)),
  );
  await write(
    store,
    readings('mr-th-1', 'humidity', d0, MIN, 3 * 1440, () => 40),
  );
  await write(
    store,
    readings('ar-th-1', 'temperature', d0, MIN, 3 * 1440, () => 20),
  );
  await write(
    store,
    readings('hall-noise-1', 'noise_laeq', at('2025-05-07 09:00'), S, 3600, (i) => (i % 10 < 2 ? 85 : 60)),
  );
  // The machine-room door opens once on the 7th, with nobody in the register.
  await write(store, [...readings('mr-di-1', 'door_open', d0, 5 * MIN, 3 * 288, (i) => (i === 400 ? 1 : 0))]);
  await store.writeEvents([
    ev('queue-1', 'ticket_served', at('2025-05-07 10:00')),
    ev('eval-w01', 'rating', at('2025-05-07 10:01'), { score: 2 }),
  ]);
  await store.writeAlarms([
    {
      id: 'demo:mr-temperature:mr-th-1:x',
      site: 'demo',
      clause: '5.2.2',
      rule: 'mr-temperature',
      sensor: 'mr-th-1',
      severity: 'warning',
      state: 'raised',
      ts: at('2025-05-06 23:55'),
      startedAt: at('2025-05-06 23:50'),
      ackedBy: 'netadmin',
      ackedAt: at('2025-05-06 23:58'),
      ackNote: '空调已重启',
    },
  ]);
  const pack = await evidence(store, '2025-05-06', '2025-05-08');
  const out = tempDir('hallmon-pack-');
  t.onTestFinished(() => out.remove());
  const seals = new SealStore(dir);
  seals.open();
  t.onTestFinished(() => seals.close());
  const manifest = await writePack({
    pack,
    store,
    site: demoSite(),
    profiles,
    dir: out.path,
    seals,
    now: () => at('2026-01-01 00:00'),
  });
  return { store, dir, pack, manifest, out: out.path, seals };
}

test('PDF: clause numbers and Chinese titles in the text, Noto Sans SC embedded', async (t) => {
  const { out } = await filled(t);
  const pdf = join(out, 'evidence.pdf');
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  for (const s of [
    '1.3.3',
    '听觉环境',
    '5.2.2',
    '机房管理',
    '5.3',
    '档案管理',
    '6.1.1',
    '好差评',
    '条款核对表',
    '不符合',
    'GB 50174-2017',
    '空调已重启',
    '机房进出登记核对（开门 1 次，未登记 1 次）',
    '未登记',
    '动环状态告警',
    'hall-noise-1（指示值）',
    '评估计分卡',
    '沪民便函〔2025〕9号',
    '环境与服务',
    '相关不等于因果',
  ])
    assert.ok(text.includes(s), `the PDF text lacks "${s}"`);
  assert.match(text, /第 1 \/ \d+ 页/);
  const fonts = execFileSync('pdffonts', [pdf], { encoding: 'utf8' });
  const line = fonts.split('\n').find((l) => /NotoSansSC/i.test(l));
  assert.ok(line, `pdffonts lists no NotoSansSC font:\n${fonts}`);
  // Columns: name type encoding emb sub uni object ID; emb and sub are "yes".
  assert.match(line, /\byes\s+yes\b/);
});

test('CSV: UTF-8 with BOM, parses, and its totals equal the JSON', async (t) => {
  const { out, pack, manifest } = await filled(t);
  const json = JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8')) as EvidencePack;
  assert.equal(json.clauses.length, pack.clauses.length);
  const raw = readFileSync(join(out, 'csv', 'summary.csv'), 'utf8');
  assert.equal(raw.charCodeAt(0), 0xfeff);
  const [header, ...rows] = parseCsv(raw.slice(1));
  const col = (n: string) => header!.indexOf(n);
  assert.equal(rows.length, json.clauses.length);
  for (const c of json.clauses) {
    const r = rows.find((x) => x[col('clause')] === c.clause)!;
    assert.equal(r[col('title')], c.title);
    assert.equal(r[col('verdict')], c.verdict);
    assert.equal(Number(r[col('excursions')]), c.excursions.length);
    assert.equal(Number(r[col('gaps')]), c.gaps.length);
    assert.equal(r[col('coverage')] === '' ? null : Number(r[col('coverage')]), c.coverage);
  }
  const mr = json.clauses.find((c) => c.clause === '5.2.2')!;
  assert.equal(mr.excursions.length, 1);
  const clauseRows = parseCsv(readFileSync(join(out, 'csv', 'clause-5.2.2.csv'), 'utf8').slice(1));
  const xHeader = clauseRows.findIndex((r) => r[0] === '# excursions') + 1;
  const xRows = clauseRows.slice(
    xHeader + 1,
    clauseRows.findIndex((r, i) => i > xHeader && r.length === 1 && r[0] === ''),
  );
  assert.equal(xRows.length, mr.excursions.length);
  assert.equal(xRows[0]![clauseRows[xHeader]!.indexOf('start')], mr.excursions[0]!.start);
  // Minute data: one row per stored minute of the period.
  const minutes = parseCsv(readFileSync(join(out, 'csv', 'minutes', 'mr-th-1__temperature.csv'), 'utf8').slice(1));
  assert.equal(minutes.length - 1, 3 * 1440);
  assert.equal(
    manifest.files.some((f) => f.path === 'csv/minutes/mr-th-1__temperature.csv'),
    true,
  );
});

test('verify: intact, then the day of a reading changed by SQL, then a changed file', async (t) => {
  const { store, dir, out, seals, manifest } = await filled(t);
  assert.deepEqual(
    manifest.chain.map((h) => h.day),
    ['2025-05-06', '2025-05-07', '2025-05-08'],
  );
  assert.ok(
    manifest.chain.every((h) => h.sealedAt !== null),
    'closed days are sealed when the pack is written',
  );
  const site = demoSite();
  const ok = await verifyPack(out, store, { site, profiles, seals });
  assert.equal(ok.ok, true, ok.problems.join('\n'));
  const args = ['verify', out, '--data-dir', dir];
  assert.equal(await evidenceCli(args), 0);

  // Change one stored reading of 2025-05-07 (local) behind the server's back.
  const db = new Database(join(dir, 'hallmon.db'));
  const changed = db
    .prepare(
      `UPDATE readings SET value = value + 0.1 WHERE ts = ? AND series_id = (SELECT id FROM series WHERE sensor = 'ar-th-1' AND metric = 'temperature')`,
    )
    .run(at('2025-05-07 12:00')).changes;
  db.close();
  assert.equal(changed, 1);
  const bad = await verifyPack(out, store, { site, profiles, seals });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.alteredDays, ['2025-05-07']);
  assert.deepEqual(bad.alteredFiles, []);
  assert.equal(await evidenceCli(args), 1);

  // Put it back; then change a file of the pack.
  const db2 = new Database(join(dir, 'hallmon.db'));
  db2
    .prepare(
      `UPDATE readings SET value = value - 0.1 WHERE ts = ? AND series_id = (SELECT id FROM series WHERE sensor = 'ar-th-1' AND metric = 'temperature')`,
    )
    .run(at('2025-05-07 12:00'));
  db2.close();
  assert.equal((await verifyPack(out, store, { site, profiles, seals })).ok, true);
  appendFileSync(join(out, 'csv', 'clause-5.2.2.csv'), 'x\r\n');
  const file = await verifyPack(out, store, { site, profiles, seals });
  assert.deepEqual(file.alteredFiles, ['csv/clause-5.2.2.csv']);
  assert.deepEqual(file.alteredDays, []);
  assert.equal(await evidenceCli(args), 1);
});
