// Password guessing beyond one (address, user) pair, against a real server: one address trying
// many usernames (password spraying) and one username tried from many addresses (a botnet on one
// account) are both stopped with 429 and Retry-After, and the refusals are in the audit trail. The
// client addresses are distinct loopback addresses (127.0.0.0/8 all reach the server on 127.0.0.1).
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AuditEntry } from '@hallmon/contract';
import { DEFAULT_LOGIN_LIMITS } from '../../server/src/auth/login-limiter.ts';
import { startTestServer, type TestServer } from '../helpers/server-process.ts';

/** POST /api/login from a given loopback source address. */
function loginFrom(
  server: TestServer,
  from: string,
  username: string,
  password: string,
): Promise<{ status: number; retryAfter: string | undefined; message: string }> {
  const body = JSON.stringify({ username, password });
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/api/login`,
      {
        method: 'POST',
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const h = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(h) ? h[0] : h,
            message: (JSON.parse(text) as { message?: string }).message ?? '',
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('login limits per address and per username', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    await server.addUser('li', 'hall', ['demo']);
    await server.addUser('chen', 'hall', ['demo']);
  });
  afterAll(() => server?.stop());

  test('one address spraying passwords over many usernames is stopped, whatever the username', async () => {
    const spray = '127.0.0.9';
    for (let i = 0; i < DEFAULT_LOGIN_LIMITS.perAddress; i++) {
      const r = await loginFrom(server, spray, `someone-${i}`, 'Winter2026!');
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const next = await loginFrom(server, spray, 'li', 'li-password');
    assert.equal(next.status, 429, 'even a right password from the spraying address waits');
    assert.match(next.message, /too many failed logins from this address/);
    assert.ok(Number(next.retryAfter) > 0, `Retry-After ${next.retryAfter}`);
    // Another address is not affected.
    assert.equal((await loginFrom(server, '127.0.0.10', 'li', 'li-password')).status, 200);
  });

  test('one username tried from many addresses is stopped, from any address', async () => {
    const perPair = DEFAULT_LOGIN_LIMITS.pair - 1;
    let tried = 0;
    for (let host = 20; tried < DEFAULT_LOGIN_LIMITS.perUser; host++)
      for (let i = 0; i < perPair && tried < DEFAULT_LOGIN_LIMITS.perUser; i++, tried++) {
        const r = await loginFrom(server, `127.0.0.${host}`, 'chen', `guess-${tried}`);
        assert.equal(r.status, 401, `attempt ${tried + 1} from 127.0.0.${host}`);
      }
    const fresh = await loginFrom(server, '127.0.0.99', 'chen', 'chen-password');
    assert.equal(fresh.status, 429, 'a fresh address meets the per-username limit');
    assert.match(fresh.message, /too many failed logins for "chen"/);
    assert.ok(Number(fresh.retryAfter) > 0);
    // Other accounts sign in from the same fresh address.
    assert.equal((await loginFrom(server, '127.0.0.99', 'li', 'li-password')).status, 200);
    const admin = await server.login();
    const refusals = (await server.get<AuditEntry[]>('/api/audit?actor=chen', admin)).body.filter(
      (e) => e.action === 'login-failed',
    );
    assert.equal(refusals.filter((e) => e.detail.reason === 'wrong-password').length, DEFAULT_LOGIN_LIMITS.perUser);
    assert.ok(refusals.some((e) => e.detail.reason === 'rate-limited' && e.ip === '127.0.0.99'));
  });
});
