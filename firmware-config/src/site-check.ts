// The checks of a site config beyond its schema, shared by the file loader (load.ts), the server's
// config store (every change through the API or an import) and a remotely configured edge: device
// ids unique, profiles known, each device attached where its transport allows (a Modbus device on a
// bus of the site's edge with a free slave address, an ASCII meter on a serial port of its own),
// an SNMP device at a host, a DI module's channels mapped within its count, calibration only for
// metrics the profile measures, notification routes whose levels can be delivered, limit profiles
// and rule overrides that name what exists. Each problem is a JSON pointer into the config and what to do about it.
import type { SchemaIssue } from './validate.ts';
import type { NotificationRoute, SiteConfig, SiteDevice } from './schemas/site.ts';
import type { DeviceProfile } from './schemas/profile.ts';
import type { ClauseCatalogue } from './schemas/clause.ts';
import { effectiveProfile } from './device-profile.ts';

/** Every problem of a schema-valid site config; empty when it can be used. */
export function siteProblems(
  site: SiteConfig,
  profiles: ReadonlyMap<string, DeviceProfile>,
  catalogue?: ClauseCatalogue,
): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const add = (path: string, message: string) => out.push({ path, message });
  try {
    new Intl.DateTimeFormat('en', { timeZone: site.timezone });
  } catch {
    add('/timezone', `unknown time zone "${site.timezone}" (an IANA name such as Asia/Shanghai)`);
  }
  site.openingHours.forEach((h, i) => {
    if (h.to !== '24:00' && h.from >= h.to)
      add(`/openingHours/${i}/to`, `closing time ${h.to} must be after opening time ${h.from}`);
  });

  const buses = new Map((site.edge?.buses ?? []).map((b) => [b.id, b]));
  const ports = new Map<string, string>();
  const usePort = (port: string, path: string, what: string) => {
    const other = ports.get(port);
    if (other) add(path, `serial port ${port} is already used by ${other}`);
    else ports.set(port, what);
  };
  (site.edge?.buses ?? []).forEach((b, i) => {
    if ((site.edge?.buses ?? []).findIndex((x) => x.id === b.id) !== i)
      add(`/edge/buses/${i}/id`, `duplicate bus id "${b.id}"`);
    usePort(b.port, `/edge/buses/${i}/port`, `bus "${b.id}"`);
  });

  const zoneIds = new Set<string>();
  const deviceIds = new Map<string, string>();
  const units = new Map<string, Map<number, string>>();
  site.zones.forEach((z, zi) => {
    if (zoneIds.has(z.id)) add(`/zones/${zi}/id`, `duplicate zone id "${z.id}"`);
    zoneIds.add(z.id);
    z.devices.forEach((d, di) => {
      const at = (rest: string) => `/zones/${zi}/devices/${di}${rest}`;
      if (deviceIds.has(d.id)) add(at('/id'), `duplicate device id "${d.id}" (also in zone "${deviceIds.get(d.id)}")`);
      deviceIds.set(d.id, z.id);
      const p = profiles.get(d.profile);
      if (!p) {
        add(at('/profile'), `unknown profile "${d.profile}" (known: ${[...profiles.keys()].join(', ')})`);
        return;
      }
      if (d.bus !== undefined) {
        if (p.transport !== 'modbus-rtu')
          add(at('/bus'), `profile "${p.id}" is ${p.transport}: only Modbus RTU devices are attached to a bus`);
        else if (!buses.has(d.bus))
          add(
            at('/bus'),
            `no bus "${d.bus}" in edge.buses (known: ${[...buses.keys()].join(', ') || 'none'}); add the bus first`,
          );
        if (d.unitId === undefined) add(at('/unitId'), 'a device on a bus needs its slave address (unitId 1-247)');
        else {
          const onBus = units.get(d.bus) ?? new Map<number, string>();
          const other = onBus.get(d.unitId);
          if (other) add(at('/unitId'), `slave address ${d.unitId} is already used on bus "${d.bus}" by "${other}"`);
          onBus.set(d.unitId, d.id);
          units.set(d.bus, onBus);
        }
      } else if (d.unitId !== undefined) add(at('/bus'), 'unitId is set but no bus: name the bus the device is on');
      if (d.serial !== undefined) {
        if (p.transport !== 'ascii-line')
          add(
            at('/serial'),
            `profile "${p.id}" is ${p.transport}: only ASCII-line meters have a serial port of their own`,
          );
        else usePort(d.serial.port, at('/serial/port'), `meter "${d.id}"`);
      }
      if (d.snmp !== undefined && p.transport !== 'snmp')
        add(at('/snmp'), `profile "${p.id}" is ${p.transport}: only SNMP devices have a host to poll`);
      if (d.window !== undefined && p.deviceClass === 'sensor')
        add(at('/window'), `"${d.id}" is a sensor; a counter window belongs to evaluators and queue machines`);
      out.push(...inputProblems(d, p, at('')));
      const measured = effectiveProfile(p, d).metrics;
      for (const metric of Object.keys(d.calibration ?? {}))
        if (!measured.some((m) => m.metric === metric))
          add(at(`/calibration/${metric}`), `profile "${p.id}" does not measure ${metric}`);
    });
  });

  const mqttDevices = site.zones.flatMap((z) => z.devices).filter((d) => profiles.get(d.profile)?.transport === 'mqtt');
  if (
    site.edge?.mqttDevices === undefined &&
    site.edge !== undefined &&
    mqttDevices.length &&
    site.rulesAt !== 'server'
  )
    add(
      '/edge/mqttDevices',
      `the edge serves no MQTT device broker but the site has MQTT devices (${mqttDevices.map((d) => d.id).join(', ')}); set edge.mqttDevices.port`,
    );

  const routes = new Set<string>();
  (site.notifications ?? []).forEach((r, i) => {
    if (routes.has(r.id)) add(`/notifications/${i}/id`, `duplicate notification route id "${r.id}"`);
    routes.add(r.id);
    out.push(...routeProblems(r, `/notifications/${i}`));
  });

  (site.limitProfiles ?? []).forEach((u, i) => {
    if (catalogue && !catalogue.profiles?.[u.profile])
      add(
        `/limitProfiles/${i}/profile`,
        `unknown limit profile "${u.profile}" (known: ${Object.keys(catalogue.profiles ?? {}).join(', ') || 'none'})`,
      );
    if (u.zone !== undefined && !zoneIds.has(u.zone))
      add(`/limitProfiles/${i}/zone`, `no zone "${u.zone}" in this site`);
  });
  const rules = catalogue ? new Set(catalogue.clauses.flatMap((c) => c.rules.map((r) => r.id))) : undefined;
  (site.overrides ?? []).forEach((o, i) => {
    if (rules && !rules.has(o.rule))
      add(`/overrides/${i}/rule`, `unknown rule "${o.rule}"; use a rule id from the clause catalogue`);
    if (o.zone !== undefined && !zoneIds.has(o.zone)) add(`/overrides/${i}/zone`, `no zone "${o.zone}" in this site`);
    const l = o.limits;
    if (l?.min !== undefined && l.max !== undefined && l.min >= l.max)
      add(`/overrides/${i}/limits/min`, `min ${l.min} must be below max ${l.max}`);
  });
  return out;
}

/** A device's input channels against its profile's input block (site configs). */
function inputProblems(d: SiteDevice, p: DeviceProfile, path: string): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  if (!p.inputs) {
    if (d.inputs) out.push({ path: `${path}/inputs`, message: `profile "${p.id}" has no input channels to map` });
    return out;
  }
  if (!d.inputs?.length) {
    out.push({
      path,
      message: `"${d.id}" is a ${p.inputs.count}-channel input module: map its wired channels in "inputs"`,
    });
    return out;
  }
  const channels = new Set<number>();
  const metrics = new Set(p.metrics.map((m) => m.metric as string));
  d.inputs.forEach((ch, k) => {
    const at = `${path}/inputs/${k}`;
    if (ch.channel > p.inputs!.count)
      out.push({ path: `${at}/channel`, message: `channel ${ch.channel}: "${p.id}" has ${p.inputs!.count}` });
    if (channels.has(ch.channel)) out.push({ path: `${at}/channel`, message: `channel ${ch.channel} is mapped twice` });
    if (metrics.has(ch.metric))
      out.push({
        path: `${at}/metric`,
        message: `${ch.metric} is reported twice by "${d.id}"; put a second detector on another module`,
      });
    channels.add(ch.channel);
    metrics.add(ch.metric);
  });
  return out;
}

/** A notification route: where each escalation level sends, and levels in order. */
function routeProblems(r: NotificationRoute, path: string): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const levels = r.levels ?? [{ afterS: 0 }];
  if (r.format === 'email') {
    if (r.url || r.secret || levels.some((l) => l.url || l.secret))
      out.push({ path, message: 'an e-mail route has addresses ("to"), not a url or secret' });
    levels.forEach((l, k) => {
      if (!l.to && !r.to)
        out.push({
          path: r.levels ? `${path}/levels/${k}/to` : `${path}/to`,
          message: 'an e-mail level needs its addresses ("to")',
        });
    });
  } else {
    if (r.to || levels.some((l) => l.to))
      out.push({ path, message: `a ${r.format} route posts to a url; "to" is for e-mail routes` });
    levels.forEach((l, k) => {
      if (!l.url && !r.url)
        out.push({
          path: r.levels ? `${path}/levels/${k}/url` : `${path}/url`,
          message: `a ${r.format} route needs a url (the route's, or its level's own)`,
        });
    });
  }
  levels.forEach((l, k) => {
    if (k > 0 && l.afterS <= levels[k - 1]!.afterS)
      out.push({ path: `${path}/levels/${k}/afterS`, message: 'levels go in order: each afterS above the last' });
  });
  return out;
}
