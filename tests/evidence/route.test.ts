// GET /api/evidence on a real fastify instance over a real SqliteStore: 401 without a token, 400
// naming the field for a bad period, JSON/CSV/PDF for an assessor (every authenticated role reads).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createLogger, loadSites } from '@hallmon/firmware-config';
import { TokenSigner } from '../../server/src/auth/tokens.ts';
import { installErrorHandler } from '../../server/src/api/errors.ts';
import type { ApiContext } from '../../server/src/api/context.ts';
import { evidenceRoutes } from '../../server/src/evidence/route.ts';
import { at, MIN, openStore, profiles, readings, write } from './fixture.ts';

test('GET /api/evidence: auth, validation, json/csv/pdf', async (t) => {
  const { store } = await openStore(t);
  await write(
    store,
    readings('mr-th-1', 'temperature', at('2025-05-06 00:00'), MIN, 1440, (i) => (i >= 600 && i < 630 ? 27.5 : 24)),
  );
  const signer = new TokenSigner(randomBytes(32));
  const ctx = {
    store,
    sites: loadSites(undefined, profiles),
    signer,
    log: createLogger('test', 'warn'),
  } as unknown as ApiContext;
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('user', null);
  installErrorHandler(app as never);
  await app.register(evidenceRoutes(ctx, { profiles }));
  t.onTestFinished(() => app.close());
  const auth = { authorization: `Bearer ${signer.sign('assessor1', 'assessor')}` };
  const url = '/api/evidence?site=demo&from=2025-05-06&to=2025-05-06';

  assert.equal((await app.inject({ url })).statusCode, 401);
  const bad = await app.inject({ url: '/api/evidence?site=demo&from=yesterday&to=2025-05-06', headers: auth });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /from/);
  assert.equal(
    (await app.inject({ url: '/api/evidence?site=nope&from=2025-05-06&to=2025-05-06', headers: auth })).statusCode,
    404,
  );

  const json = await app.inject({ url, headers: auth });
  assert.equal(json.statusCode, 200);
  const pack = json.json();
  const mr = pack.clauses.find((c: { clause: string }) => c.clause === '5.2.2');
  assert.equal(mr.verdict, 'fail');
  assert.equal(mr.excursions.length, 1);
  assert.equal(mr.excursions[0].start, new Date(at('2025-05-06 10:00')).toISOString());

  const csv = await app.inject({ url: `${url}&format=csv`, headers: auth });
  assert.equal(csv.statusCode, 200);
  assert.match(csv.headers['content-type'] as string, /text\/csv/);
  assert.ok(csv.body.startsWith('\uFEFFclause,title'));
  assert.ok(csv.body.includes('5.2.2,机房管理'));

  const pdf = await app.inject({ url: `${url}&format=pdf`, headers: auth });
  assert.equal(pdf.statusCode, 200);
  assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
});
