// `hallmon selftest --site ID [--url URL --username U --password P]`: asks a running server to raise
// and clear a TEST alarm through the real alarm path and prints where the notices were delivered.
// Exit 0 when every route got them, 1 when something failed, 2 for usage errors.
import { parseCommand, UsageError, type CommandSpec } from '@hallmon/firmware-config';
import type { SelftestRecord } from './selftest.ts';

export const spec: CommandSpec = {
  name: 'selftest',
  summary: 'Self-test of the alarm path: raise and clear a TEST alarm, report deliveries per notification route.',
  usage: 'hallmon selftest --site ID [--url URL] [--username USER --password PASS]',
  flags: {
    site: { type: 'string', arg: 'ID', help: 'site to test' },
    url: { type: 'string', arg: 'URL', help: 'the hallmon server', default: 'http://127.0.0.1:8080' },
    username: { type: 'string', arg: 'USER', help: 'an admin or netadmin user', default: 'admin' },
    password: { type: 'string', arg: 'PASS', help: 'its password (HALLMON_PASSWORD keeps it off the command line)' },
  },
  examples: [
    'HALLMON_PASSWORD=... hallmon selftest --site demo',
    'hallmon selftest --site demo --url https://hallmon.local:8443 --username netadmin --password ...',
  ],
};

async function call(url: string, init: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) });
  } catch (err) {
    throw new UsageError(
      `cannot reach the server at ${new URL(url).origin}: ${(err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message}; is it running (hallmon server) and is --url right?`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body };
}

export async function run(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) return 0;
  const site = parsed.flags.site;
  if (typeof site !== 'string' || !site)
    throw new UsageError("--site ID is required (or set HALLMON_SITE)\nRun 'hallmon selftest --help' for the options.");
  const base = String(parsed.flags.url).replace(/\/+$/, '');
  const password = parsed.flags.password;
  if (typeof password !== 'string' || !password)
    throw new UsageError('--password is required (or set HALLMON_PASSWORD)');
  const login = await call(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: parsed.flags.username, password }),
  });
  if (login.status !== 200) throw new UsageError(`login failed (${login.status}): ${String(login.body.message ?? '')}`);
  const res = await call(`${base}/api/selftest?site=${encodeURIComponent(site)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${String(login.body.token)}` },
  });
  if (res.status !== 200) {
    process.stderr.write(`hallmon selftest: the server refused (${res.status}): ${String(res.body.message ?? '')}\n`);
    return res.status === 409 ? 1 : 2;
  }
  const r = res.body as unknown as SelftestRecord;
  out(`self-test ${r.id}: ${r.ok ? 'PASSED' : 'FAILED'}`);
  out(`  test alarm ${r.alarmId}: raised ${r.raisedAt ?? '-'}, cleared ${r.clearedAt ?? '-'}`);
  for (const d of r.deliveries)
    out(
      `  ${d.event.padEnd(7)} -> ${d.routeId} (${d.url}): ${d.delivered ? `delivered ${new Date(d.deliveredAt!).toISOString()}` : `NOT delivered: ${d.error ?? ''}`} [${d.attempts} attempt(s)]`,
    );
  for (const f of r.failures) out(`  ! ${f}`);
  return r.ok ? 0 : 1;
}
