// Evidence test fixture: a real SqliteStore in a temp folder, the shipped demo site, catalogue,
// profiles and calendar, and builders for crafted readings/events in Shanghai wall-clock time.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  loadCatalogue,
  loadProfiles,
  loadSites,
  type Metric,
  type SiteConfig,
  shippedCalendar,
  createLogger,
} from '@hallmon/firmware-config';
import { createStore, type SqliteStore, buildEvidence, type EvidenceInput } from '@hallmon/server';
import type { StoredEvent, StoredReading } from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';

export const profiles = loadProfiles();
export const catalogue = loadCatalogue();
export const calendar = shippedCalendar();
const demo = loadSites(undefined, profiles).get('demo')!;

export function demoSite(): SiteConfig {
  const { file: _f, ...site } = structuredClone(demo);
  return site;
}

/** The demo site with its machine room's climate sensors only (no DI module, no UPS). */
export function climateOnlySite(): SiteConfig {
  const site = demoSite();
  for (const z of site.zones) z.devices = z.devices.filter((d) => d.id !== 'mr-di-1' && d.id !== 'mr-ups-1');
  return site;
}

const run = promisify(execFile);

export const MIN = 60_000;
export const S = 1000;

/** Epoch ms of a Shanghai wall-clock time: at('2025-05-06 10:00') or at('2025-05-06 10:00:30'). */
export function at(local: string): number {
  return Date.parse(`${local.replace(' ', 'T')}${local.length <= 16 ? ':00' : ''}+08:00`);
}

export async function openStore(t: {
  onTestFinished(fn: () => unknown): void;
}): Promise<{ store: SqliteStore; dir: string }> {
  const tmp = tempDir('hallmon-evidence-');
  const store = createStore({ kind: 'sqlite', dataDir: tmp.path }, createLogger('test', 'warn')) as SqliteStore;
  await store.open();
  t.onTestFinished(async () => {
    await store.close();
    tmp.remove();
  });
  return { store, dir: tmp.path };
}

/** Readings of one series: value(i) at start + i·stepMs for i < n. */
export function readings(
  sensor: string,
  metric: Metric,
  start: number,
  stepMs: number,
  n: number,
  value: (i: number, ts: number) => number,
  dur?: number,
): StoredReading[] {
  return Array.from({ length: n }, (_, i) => {
    const ts = start + i * stepMs;
    return { site: 'demo', sensor, metric, ts, value: value(i, ts), quality: 'ok' as const, ...(dur ? { dur } : {}) };
  });
}

export async function write(store: SqliteStore, rs: StoredReading[]): Promise<void> {
  for (let i = 0; i < rs.length; i += 5000) await store.writeReadings(rs.slice(i, i + 5000));
}

export function ev(
  device: string,
  type: StoredEvent['type'],
  ts: number,
  extra: Partial<StoredEvent> = {},
): StoredEvent {
  return { site: 'demo', device, type, ts, ...extra } as StoredEvent;
}

export function evidence(store: SqliteStore, from: string, to: string, extra: Partial<EvidenceInput> = {}) {
  return buildEvidence({
    store,
    site: demoSite(),
    catalogue,
    profiles,
    calendar,
    from,
    to,
    now: () => at('2026-01-01 00:00'),
    ...extra,
  });
}

/** `hallmon evidence verify ARGS` in its own process, as a user runs it: exit code and output. */
export async function verifyCli(args: string[]): Promise<{ code: number; out: string }> {
  const root = join(import.meta.dirname, '..', '..');
  try {
    const r = await run(process.execPath, [join(root, 'bin', 'hallmon.js'), 'evidence', 'verify', ...args], {
      cwd: root,
      env: { ...process.env, HALLMON_LOG_LEVEL: 'warn' },
    });
    return { code: 0, out: r.stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
