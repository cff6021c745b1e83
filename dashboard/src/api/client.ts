// The one way the dashboard talks HTTP to the server: JSON with the Bearer token, answers typed by
// the contract (@hallmon/contract API), errors carrying the server's message (it names the field and
// what to do). A 401 means the token expired or the server restarted with a new key: the session is
// dropped and the app shows login.
import { getSession, setSession } from '../auth/auth.ts';
import type {
  Answer,
  ApiError as ApiErrorBody,
  CallbackOutcome,
  DeviceBody,
  FollowupAction,
  NewCredentialBody,
  NewUser,
  NoiseWindowName,
  PasswordChange,
  PatchSiteBody,
  UserPatch,
  ZoneBody,
  ZonePatchBody,
} from '@hallmon/contract';
import type { Metric, SiteConfig } from '@hallmon/firmware-config/core';

/** One problem of a refused configuration: the JSON pointer of the field and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Every problem of a refused configuration, by field (/api/config answers). */
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const session = getSession();
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (signal) init.signal = signal;
  const res = await fetch(path, init);
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page: fall through with the status.
  }
  if (!res.ok) {
    const err = json as Partial<ApiErrorBody> | undefined;
    if (res.status === 401 && path !== '/api/login' && path !== '/api/logout') setSession(null, 'expired');
    throw new ApiError(
      res.status,
      typeof err?.message === 'string' ? err.message : `HTTP ${res.status}`,
      Array.isArray(err?.problems) ? err.problems : [],
    );
  }
  return json as T;
}

function qs(params: Record<string, string | number | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

const iso = (ms: number) => new Date(ms).toISOString();
const seg = encodeURIComponent;

const user = (username: string) => `/api/users/${encodeURIComponent(username)}`;

export const api = {
  login: (username: string, password: string) =>
    request<Answer<'POST /api/login'>>('POST', '/api/login', { username, password }),
  /** Ends this token on the server (the next request with it is 401). */
  logout: () => request<Answer<'POST /api/logout'>>('POST', '/api/logout'),
  me: (signal?: AbortSignal) => request<Answer<'GET /api/me'>>('GET', '/api/me', undefined, signal),
  changePassword: (body: PasswordChange) => request<Answer<'POST /api/me/password'>>('POST', '/api/me/password', body),
  /** People (admin only). */
  users: (signal?: AbortSignal) => request<Answer<'GET /api/users'>>('GET', '/api/users', undefined, signal),
  createUser: (body: NewUser) => request<Answer<'POST /api/users'>>('POST', '/api/users', body),
  updateUser: (username: string, patch: UserPatch) =>
    request<Answer<'PATCH /api/users/:username'>>('PATCH', user(username), patch),
  deleteUser: (username: string) => request<Answer<'DELETE /api/users/:username'>>('DELETE', user(username)),
  audit: (q: { from: number; to: number; site?: string; actor?: string }, signal?: AbortSignal) =>
    request<Answer<'GET /api/audit'>>(
      'GET',
      `/api/audit${qs({ from: iso(q.from), to: iso(q.to), site: q.site, actor: q.actor })}`,
      undefined,
      signal,
    ),
  sites: (signal?: AbortSignal) => request<Answer<'GET /api/sites'>>('GET', '/api/sites', undefined, signal),
  readings: (
    q: { site: string; sensor: string; metric: Metric; from: number; to: number; step?: '1m' | '1h' | '1d' },
    signal?: AbortSignal,
  ) =>
    request<Answer<'GET /api/readings'>>(
      'GET',
      `/api/readings${qs({ ...q, from: iso(q.from), to: iso(q.to) })}`,
      undefined,
      signal,
    ),
  alarms: (q: { site?: string; state: 'active' | 'all'; from?: number; to?: number }, signal?: AbortSignal) =>
    request<Answer<'GET /api/alarms'>>(
      'GET',
      `/api/alarms${qs({ site: q.site, state: q.state, from: q.from === undefined ? undefined : iso(q.from), to: q.to === undefined ? undefined : iso(q.to) })}`,
      undefined,
      signal,
    ),
  ack: (id: string, note: string) =>
    request<Answer<'POST /api/alarms/:id/ack'>>('POST', `/api/alarms/${encodeURIComponent(id)}/ack`, { note }),
  latest: (site?: string, signal?: AbortSignal) =>
    request<Answer<'GET /api/latest'>>('GET', `/api/latest${qs({ site })}`, undefined, signal),
  devices: (site?: string, signal?: AbortSignal) =>
    request<Answer<'GET /api/devices'>>('GET', `/api/devices${qs({ site })}`, undefined, signal),
  events: (q: { site: string; from: number; to: number; type?: string }, signal?: AbortSignal) =>
    request<Answer<'GET /api/events'>>(
      'GET',
      `/api/events${qs({ site: q.site, from: iso(q.from), to: iso(q.to), type: q.type })}`,
      undefined,
      signal,
    ),
  followups: (site: string, state: 'open' | 'all' = 'open', signal?: AbortSignal) =>
    request<Answer<'GET /api/followups'>>('GET', `/api/followups${qs({ site, state })}`, undefined, signal),
  /** A person's step on a follow-up (admin and hall; the server answers 403 to others). */
  followupStep: (id: string, action: Exclude<FollowupAction, 'callback'>, note = '') =>
    request<Answer<'POST /api/followups/:id'>>('POST', `/api/followups/${encodeURIComponent(id)}`, { action, note }),
  /** The machine-room entry register (机房登记): visits of a site, the newest first. */
  visits: (q: { site: string; state?: 'inside' | 'all' }, signal?: AbortSignal) =>
    request<Answer<'GET /api/visits'>>('GET', `/api/visits${qs({ site: q.site, state: q.state })}`, undefined, signal),
  /** A visitor comes in (admin and netadmin; the server answers 403 to others). */
  addVisit: (v: { site: string; visitor: string; organisation: string; reason: string; escort: string }) =>
    request<Answer<'POST /api/visits'>>('POST', '/api/visits', v),
  /** The visitor left (now). */
  visitOut: (id: string) =>
    request<Answer<'POST /api/visits/:id/out'>>('POST', `/api/visits/${encodeURIComponent(id)}/out`, {}),
  /** Rolling noise windows (1/5/15/60 min) of one noise sensor, from the store. */
  noise: (q: { site: string; sensor: string; window?: NoiseWindowName }, signal?: AbortSignal) =>
    request<Answer<'GET /api/noise'>>('GET', `/api/noise${qs(q)}`, undefined, signal),
  /** A callback (回访): how it went and, when the resident was reached, whether they were satisfied. */
  callback: (id: string, c: { outcome: CallbackOutcome; satisfied: boolean | null; note: string }) =>
    request<Answer<'POST /api/followups/:id'>>('POST', `/api/followups/${encodeURIComponent(id)}`, {
      action: 'callback',
      note: c.note,
      outcome: c.outcome,
      ...(c.outcome === 'reached' ? { satisfied: c.satisfied } : {}),
    }),
  scorecard: (q: { site: string; from: string; to: string }, signal?: AbortSignal) =>
    request<Answer<'GET /api/scorecard'>>('GET', `/api/scorecard${qs(q)}`, undefined, signal),
  district: (period: 'month' | 'year', signal?: AbortSignal) =>
    request<Answer<'GET /api/district'>>('GET', `/api/district${qs({ period })}`, undefined, signal),
  reports: (signal?: AbortSignal) => request<Answer<'GET /api/reports'>>('GET', '/api/reports', undefined, signal),
  /** Builds a plan's latest period now (admin, district). */
  buildReport: (plan: string) => request<Answer<'POST /api/reports'>>('POST', '/api/reports', { plan }),
  /** /api/config (admin): profiles, sites, zones, devices, versions, credentials, commissioning. */
  config: {
    profiles: (signal?: AbortSignal) =>
      request<Answer<'GET /api/config/profiles'>>('GET', '/api/config/profiles', undefined, signal),
    sites: (signal?: AbortSignal) =>
      request<Answer<'GET /api/config/sites'>>('GET', '/api/config/sites', undefined, signal),
    site: (site: string, signal?: AbortSignal) =>
      request<Answer<'GET /api/config/sites/:site'>>('GET', `/api/config/sites/${seg(site)}`, undefined, signal),
    create: (config: SiteConfig, note?: string) =>
      request<Answer<'POST /api/config/sites'>>('POST', '/api/config/sites', { config, note }),
    patch: (site: string, body: PatchSiteBody) =>
      request<Answer<'PATCH /api/config/sites/:site'>>('PATCH', `/api/config/sites/${seg(site)}`, body),
    remove: (site: string) => request<null>('DELETE', `/api/config/sites/${seg(site)}`),
    addZone: (site: string, body: ZoneBody) =>
      request<Answer<'POST /api/config/sites/:site/zones'>>('POST', `/api/config/sites/${seg(site)}/zones`, body),
    patchZone: (site: string, zone: string, body: ZonePatchBody) =>
      request<Answer<'PATCH /api/config/sites/:site/zones/:zone'>>(
        'PATCH',
        `/api/config/sites/${seg(site)}/zones/${seg(zone)}`,
        body,
      ),
    removeZone: (site: string, zone: string) =>
      request<Answer<'DELETE /api/config/sites/:site/zones/:zone'>>(
        'DELETE',
        `/api/config/sites/${seg(site)}/zones/${seg(zone)}`,
      ),
    addDevice: (site: string, body: DeviceBody) =>
      request<Answer<'POST /api/config/sites/:site/devices'>>('POST', `/api/config/sites/${seg(site)}/devices`, body),
    putDevice: (site: string, device: string, body: DeviceBody) =>
      request<Answer<'PUT /api/config/sites/:site/devices/:device'>>(
        'PUT',
        `/api/config/sites/${seg(site)}/devices/${seg(device)}`,
        body,
      ),
    removeDevice: (site: string, device: string) =>
      request<Answer<'DELETE /api/config/sites/:site/devices/:device'>>(
        'DELETE',
        `/api/config/sites/${seg(site)}/devices/${seg(device)}`,
      ),
    versions: (site: string, signal?: AbortSignal) =>
      request<Answer<'GET /api/config/sites/:site/versions'>>(
        'GET',
        `/api/config/sites/${seg(site)}/versions`,
        undefined,
        signal,
      ),
    rollback: (site: string, version: number) =>
      request<Answer<'POST /api/config/sites/:site/rollback'>>('POST', `/api/config/sites/${seg(site)}/rollback`, {
        version,
      }),
    importText: (text: string, note?: string) =>
      request<Answer<'POST /api/config/import'>>('POST', '/api/config/import', { text, note }),
    credentials: (site: string, signal?: AbortSignal) =>
      request<Answer<'GET /api/config/credentials'>>(
        'GET',
        `/api/config/credentials${qs({ site })}`,
        undefined,
        signal,
      ),
    newCredential: (body: NewCredentialBody) =>
      request<Answer<'POST /api/config/credentials'>>('POST', '/api/config/credentials', body),
    revoke: (id: string) =>
      request<Answer<'DELETE /api/config/credentials/:id'>>('DELETE', `/api/config/credentials/${seg(id)}`),
    commissioning: (site: string, device: string, signal?: AbortSignal) =>
      request<Answer<'GET /api/config/sites/:site/devices/:device/commissioning'>>(
        'GET',
        `/api/config/sites/${seg(site)}/devices/${seg(device)}/commissioning`,
        undefined,
        signal,
      ),
  },
  /** What the rule engine judged for a sensor over a range: excursions and gaps for chart marks. */
  marks: (q: { site: string; sensor: string; from: number; to: number }, signal?: AbortSignal) =>
    request<Answer<'GET /api/marks'>>(
      'GET',
      `/api/marks${qs({ site: q.site, sensor: q.sensor, from: iso(q.from), to: iso(q.to) })}`,
      undefined,
      signal,
    ),
};
