// What people and their trail cost: every API request and socket.io re-check reads the account
// from users.db (role, sites, token version, expiry, revoked token), and every acknowledgement,
// login and download appends to audit.db; each day's seal hashes the day's audit entries. Measures
//   - Authenticator.principal() per token (the per-request account read), calls/s;
//   - GET /api/me and GET /api/latest?site=demo over HTTP with 16 requests in flight, requests/s
//     (the account read plus fastify, the scope check and the answer);
//   - AuditLog.record() appends/s (each its own transaction, as the API does);
//   - the audit digest of a day holding N entries (what sealing and verify add per day).
// Run: node --import tsx bench/api-auth.ts [--quick]
import { performance } from 'node:perf_hooks';
import { AuditLog, auditDigest, siteSchedule } from '@hallmon/server';
import { Authenticator } from '../server/src/auth/authenticator.ts';
import { TokenSigner, loadOrCreateSecret } from '../server/src/auth/tokens.ts';
import { startTestServer, testSites } from '../tests/helpers/server-process.ts';

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 2 : 8;
const IN_FLIGHT = 16;
const USERS = 200;

// As deployed: answers are not re-checked against their schemas (tests turn that on).
const server = await startTestServer({ strictResponses: false });
try {
  for (let i = 0; i < USERS; i++) await server.addUser(`hall${i}`, 'hall', ['demo']);
  const token = await server.login('hall7', 'hall7-password');
  // The same account read the server does, on the server's own users.db and token secret.
  const authn = new Authenticator(new TokenSigner(loadOrCreateSecret(server.dataDir)), server.users);
  const principalPerS = await rate(() => authn.principal(token));
  const httpMePerS = await httpRate(`${server.url}/api/me`, token);
  const httpLatestPerS = await httpRate(`${server.url}/api/latest?site=demo`, token);

  const audit = new AuditLog(server.dataDir).open();
  const n = quick ? 5_000 : 20_000;
  const dayStart = Date.parse('2025-05-06T16:00:00Z'); // 2025-05-07 00:00 in Shanghai
  const t0 = performance.now();
  for (let i = 0; i < n; i++)
    await audit.record({
      actor: `hall${i % USERS}`,
      action: 'alarm-ack',
      site: 'demo',
      target: `demo:rule:sensor:${i}`,
      ip: '10.0.0.7',
      ts: dayStart + Math.floor((i * 86_000_000) / n),
      detail: { note: '已处理', severity: 'warning' },
    });
  const auditAppendsPerS = n / ((performance.now() - t0) / 1000);
  const d0 = performance.now();
  const digest = await auditDigest(audit, 'demo', siteSchedule(testSites().get('demo')!), '2025-05-07');
  const auditDayDigestMs = performance.now() - d0;
  audit.close();

  console.log(
    JSON.stringify({
      bench: 'api-auth',
      users: USERS,
      principalPerS: Math.round(principalPerS),
      httpMePerS: Math.round(httpMePerS),
      httpLatestPerS: Math.round(httpLatestPerS),
      inFlight: IN_FLIGHT,
      auditAppendsPerS: Math.round(auditAppendsPerS),
      auditDayEntries: digest.entries,
      auditDayDigestMs: Math.round(auditDayDigestMs * 10) / 10,
    }),
  );
} finally {
  await server.stop();
}

/** Calls per second of an async function, one call at a time, over SECONDS. */
async function rate(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let calls = 0;
  while (performance.now() < end)
    for (let i = 0; i < 1000; i++) {
      await fn();
      calls++;
    }
  return calls / ((performance.now() - start) / 1000);
}

/** Requests per second of GET url with IN_FLIGHT requests at a time for SECONDS. */
async function httpRate(url: string, token: string): Promise<number> {
  const headers = { authorization: `Bearer ${token}` };
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        const r = await fetch(url, { headers });
        if (r.status !== 200) throw new Error(`${url}: ${r.status} ${await r.text()}`);
        await r.arrayBuffer();
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}
