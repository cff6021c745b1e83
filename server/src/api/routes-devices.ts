// GET /api/devices?site=: every device of the site configs with its status and fault figures (clause
// 1.2.1 / 2021 rules 三.3: at most one fault per device a month, repaired within 5 working days).
// Status and last-heard come from the in-memory LatestValues; fault history (status changes,
// device_fault events) from the store; figures from fault-log.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  isStateMetric,
  loadCatalogue,
  shippedCalendar,
  STATE_HOLD_S,
  toIso,
  type ZoneKind,
} from '@hallmon/firmware-config';
import { API } from '@hallmon/contract';
import { ruleKind } from '@hallmon/rules';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { SiteFilter } from './routes-latest.ts';
import { selectSites } from './scope.ts';
import { faultLog, type FaultEventPoint, type StatusPoint } from '../devices/fault-log.ts';
import type { StatusChange } from '../store/store.ts';

/** History read per request: enough for this month and the repair of last month's faults. */
const HISTORY_MS = 100 * 86_400_000;
/** Silence after which a polled sensor counts as offline when its zone has no gap rule. */
const DEFAULT_SILENCE_S = 600;

export function deviceRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const calendar = shippedCalendar();
  // The zone's gap rule (machine room 5 min, archive room 1 h) says how long a sensor may be silent.
  const silenceS = new Map<ZoneKind, number>();
  for (const c of loadCatalogue().clauses)
    for (const r of c.rules) {
      const ms = ruleKind(r.kind).silenceMs?.(r);
      if (ms !== undefined)
        for (const k of r.zoneKinds) silenceS.set(k, Math.min(silenceS.get(k) ?? Infinity, ms / 1000));
    }

  const siteRows = async (siteId: string, now: number) => {
    const site = ctx.sites.get(siteId)!;
    const index = ctx.siteIndex.get(siteId);
    const [statuses, faults, mem] = await Promise.all([
      ctx.store.readStatus({ site: siteId, from: now - HISTORY_MS, to: now + 1 }),
      ctx.store.readEvents({ site: siteId, from: now - HISTORY_MS, to: now + 1, types: ['device_fault'] }),
      ctx.latest ? ctx.latest.devices(siteId) : undefined,
    ]);
    const statusBy = groupBy(statuses, (s) => s.device);
    const faultBy = groupBy(faults, (e) => e.device);
    return site.zones.flatMap((z) =>
      z.devices.map((d) => {
        const metrics = [...(index?.metrics.get(d.id) ?? [])];
        const polled = metrics.length > 0;
        // A DI module sends its states as changes with a refresh every 5 min: silent up to that long.
        const zoneSilenceS = silenceS.get(z.kind) ?? DEFAULT_SILENCE_S;
        const silence = polled && metrics.every(isStateMetric) ? Math.max(zoneSilenceS, STATE_HOLD_S) : zoneSilenceS;
        let history: StatusPoint[] = statusBy.get(d.id) ?? [];
        const newest: StatusChange | undefined = mem?.status.get(d.id);
        // No change in the window: the newest stored one (older) still says where the device stands.
        if (history.length === 0 && newest) history = [newest];
        const seenTimes = [
          mem?.seen.get(d.id),
          ...history.filter((s) => s.status === 'online').map((s) => s.ts),
        ].filter((x): x is number => x !== undefined);
        const f = faultLog({
          now,
          timezone: site.timezone,
          calendar,
          statuses: history,
          faults: (faultBy.get(d.id) ?? []) as FaultEventPoint[],
          lastSeen: seenTimes.length ? Math.max(...seenTimes) : null,
          ...(polled ? { silenceMs: silence * 1000 } : {}),
        });
        return {
          site: siteId,
          id: d.id,
          name: d.name ?? null,
          zone: z.id,
          profile: d.profile,
          window: d.window ?? null,
          status: f.status,
          lastSeen: f.lastSeen === null ? null : toIso(f.lastSeen),
          errors: f.errors,
          faultsThisMonth: f.faultsThisMonth,
          openFaultSince: f.openFaultSince === null ? null : toIso(f.openFaultSince),
          lastRepairWorkingDays: f.lastRepairWorkingDays,
        };
      }),
    );
  };

  return async (app) => {
    app.get(
      '/api/devices',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: SiteFilter, response: API['GET /api/devices'].response },
      },
      async (request, reply) => {
        const sites = selectSites(ctx, principalOf(request), request.query.site, reply);
        if (!Array.isArray(sites)) return sites;
        const now = Date.now();
        return (await Promise.all(sites.map((s) => siteRows(s, now)))).flat();
      },
    );
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
