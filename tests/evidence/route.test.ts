// GET /api/evidence on a real fastify instance over a real SqliteStore: 401 without a token, 400
// naming the field for a bad period, JSON/CSV/PDF for an assessor of the site (every role reads its
// sites), 403 for an account of another site, and each download in the audit trail.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createLogger, loadSites } from '@hallmon/firmware-config';
import { TokenSigner } from '../../server/src/auth/tokens.ts';
import { UserStore } from '../../server/src/auth/users.ts';
import { Authenticator } from '../../server/src/auth/authenticator.ts';
import { AuditLog } from '../../server/src/audit/audit-log.ts';
import { tempDir } from '../helpers/tmp.ts';
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
  const dir = tempDir();
  const users = new UserStore(dir.path).open();
  const audit = new AuditLog(dir.path).open();
  t.onTestFinished(() => {
    users.close();
    audit.close();
    dir.remove();
  });
  const expires = Date.now() + 86_400_000;
  const assessor = await users.create({
    username: 'assessor1',
    password: 'assessor-password',
    role: 'assessor',
    sites: ['demo'],
    expires,
  });
  const other = await users.create({
    username: 'assessor2',
    password: 'assessor-password',
    role: 'assessor',
    sites: ['elsewhere'],
    expires,
  });
  const ctx = {
    store,
    sites: loadSites(undefined, profiles),
    auth: new Authenticator(signer, users),
    audit,
    log: createLogger('test', 'warn'),
  } as unknown as ApiContext;
  const app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('principal', null);
  installErrorHandler(app as never);
  await app.register(evidenceRoutes(ctx, { profiles }));
  t.onTestFinished(() => app.close());
  const auth = { authorization: `Bearer ${ctx.auth.issue(assessor)}` };
  const url = '/api/evidence?site=demo&from=2025-05-06&to=2025-05-06';

  assert.equal((await app.inject({ url })).statusCode, 401);
  const bad = await app.inject({ url: '/api/evidence?site=demo&from=yesterday&to=2025-05-06', headers: auth });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /from/);
  assert.equal(
    (await app.inject({ url: '/api/evidence?site=nope&from=2025-05-06&to=2025-05-06', headers: auth })).statusCode,
    404,
  );

  const elsewhere = await app.inject({ url, headers: { authorization: `Bearer ${ctx.auth.issue(other)}` } });
  assert.equal(elsewhere.statusCode, 403);
  assert.match(elsewhere.json().message, /does not cover site "demo"/);

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
  const downloads = (await audit.list()).filter((e) => e.action === 'evidence');
  assert.deepEqual(
    downloads.map((e) => [e.actor, e.site, e.target, e.detail.format]),
    ['json', 'csv', 'pdf'].map((f) => ['assessor1', 'demo', '2025-05-06..2025-05-06', f]),
  );
});
