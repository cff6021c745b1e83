import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from './client.ts';
import { getSession, setSession, sessionEndReason } from '../auth/auth.ts';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('api client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the Bearer token and encodes the query', async () => {
    setSession({ token: 'abc', role: 'admin', username: 'admin' });
    const fetchMock = vi.fn(async () => json(200, { points: [] }));
    vi.stubGlobal('fetch', fetchMock);
    await api.readings({
      site: 'demo',
      sensor: 'mr-th-1',
      metric: 'temperature',
      from: Date.UTC(2025, 4, 1),
      to: Date.UTC(2025, 4, 2),
      step: '1m',
    });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(
      '/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=2025-05-01T00%3A00%3A00.000Z&to=2025-05-02T00%3A00%3A00.000Z&step=1m',
    );
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer abc');
  });

  it('a 401 drops the session (back to login) and says it expired', async () => {
    setSession({ token: 'old', role: 'hall', username: 'li' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(401, { error: 'unauthorized', message: 'token expired' })),
    );
    await expect(api.sites()).rejects.toEqual(new ApiError(401, 'token expired'));
    expect(getSession()).toBeNull();
    expect(sessionEndReason()).toBe('expired');
  });

  it('a 403 keeps the session and carries the message', async () => {
    setSession({ token: 't', role: 'assessor', username: 'a' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(403, { error: 'forbidden', message: 'role assessor may not acknowledge' })),
    );
    const err = await api.ack('x', 'n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect(getSession()).not.toBeNull();
  });
});
