// The checks of a site config beyond its schema, shared by the file loader (load.ts), the server's
// config store (every change through the API or an import) and a remotely configured edge: device
// ids unique, profiles known, each device attached where its transport allows (a Modbus device on a
// bus of the site's edge with a free slave address, an ASCII meter on a serial port of its own),
// calibration only for metrics the profile measures, limit profiles and rule overrides that name
// what exists. Each problem is a JSON pointer into the config and what to do about it.
import type { SchemaIssue } from './validate.ts';
import type { SiteConfig } from './schemas/site.ts';
import type { DeviceProfile } from './schemas/profile.ts';
import type { ClauseCatalogue } from './schemas/clause.ts';

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
      if (d.window !== undefined && p.deviceClass === 'sensor')
        add(at('/window'), `"${d.id}" is a sensor; a counter window belongs to evaluators and queue machines`);
      for (const metric of Object.keys(d.calibration ?? {}))
        if (!p.metrics.some((m) => m.metric === metric))
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
