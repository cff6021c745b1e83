// Which of a site's notification routes an alarm goes to: by the zone kind of its sensor (machine
// room to the network administrator's robot, hall to the hall manager's), severity and clause. A
// route without a filter takes everything; a self-test goes to every enabled route.
import type { NotificationRoute, SiteConfig, ZoneKind } from '@hallmon/firmware-config';

/** One level of one route: where a notice for that level goes. */
export interface Target {
  route: NotificationRoute;
  /** 1-based escalation level. */
  level: number;
  /** Seconds after the first notice an unacknowledged alarm reaches this level (level 1: usually 0). */
  afterS: number;
  /** Webhook formats: the robot of this level. */
  url?: string;
  secret?: string;
  /** E-mail: the addresses of this level. */
  to?: string[];
}

/** A route's escalation levels with the route's url, secret and addresses filled in (site.ts EscalationLevel). */
export function routeLevels(route: NotificationRoute): Target[] {
  const levels = route.levels ?? [{ afterS: 0 }];
  return levels.map((l, k) => {
    const url = l.url ?? route.url;
    const secret = l.url ? l.secret : (l.secret ?? route.secret);
    const to = l.to ?? route.to;
    return {
      route,
      level: k + 1,
      afterS: l.afterS,
      ...(url ? { url } : {}),
      ...(secret ? { secret } : {}),
      ...(to ? { to } : {}),
    };
  });
}

export interface RoutableAlarm {
  clause: string;
  rule: string;
  sensor: string;
  severity: 'warning' | 'critical';
}

/** sensor/device id or zone id -> its zone's kind. */
export function zoneKinds(site: SiteConfig): Map<string, ZoneKind> {
  const m = new Map<string, ZoneKind>();
  for (const z of site.zones) {
    m.set(z.id, z.kind);
    for (const d of z.devices) m.set(d.id, z.kind);
  }
  return m;
}

export function isSelftest(a: { rule: string }): boolean {
  return a.rule === 'selftest';
}

export function matchRoutes(
  site: SiteConfig,
  kinds: ReadonlyMap<string, ZoneKind>,
  a: RoutableAlarm,
): NotificationRoute[] {
  const routes = (site.notifications ?? []).filter((r) => r.enabled !== false);
  if (isSelftest(a)) return routes;
  const kind = kinds.get(a.sensor);
  return routes.filter(
    (r) =>
      (!r.zoneKinds?.length || (kind !== undefined && r.zoneKinds.includes(kind))) &&
      (!r.severities?.length || r.severities.includes(a.severity)) &&
      (!r.clauses?.length || r.clauses.includes(a.clause)),
  );
}
