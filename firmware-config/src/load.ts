// Loads and validates firmware-config data: device profiles, site configs, the clause catalogue,
// calendars and edge configs. Every problem is reported at once, naming the file, the JSON path
// in it and what is wrong, so an installer can fix a config in one pass.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import type { TSchema, Static } from '@sinclair/typebox';
import { schemaIssues } from './validate.ts';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { WorkingCalendar } from './calendar.ts';
import { ProfileFile, type DeviceProfile, type RegisterSpec } from './schemas/profile.ts';
import { SiteConfig } from './schemas/site.ts';
import type { NotificationRoute, SiteConfig as SiteConfigT, SiteDevice } from './schemas/site.ts';
import { isStateMetric } from './schemas/wire.ts';
import { ClauseCatalogue, type ClauseCatalogue as ClauseCatalogueT } from './schemas/clause.ts';
import { CalendarYear, type CalendarYear as CalendarYearT } from './schemas/calendar.ts';
import { EdgeConfig, type EdgeConfig as EdgeConfigT } from './schemas/edge-config.ts';

/**
 * The shipped data folder (firmware-config/). Found through the package resolver rather than this
 * file's own URL, because in the edge bundle (bin/edge-bundle.js) import.meta.url is the bundle's.
 */
export const DATA_DIR = firmwareConfigDir();

function firmwareConfigDir(): string {
  try {
    // The package's "." export is src/index.ts; its folder's parent is the package folder.
    return resolve(dirname(createRequire(import.meta.url).resolve('@hallmon/firmware-config')), '..');
  } catch {
    return resolve(dirname(fileURLToPath(import.meta.url)), '..');
  }
}

/** Reads a JSON or YAML file; syntax errors become ConfigErrors naming the file. */
export function readDataFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String((err as Error).message);
    throw new ConfigError([{ file, path: '', message: reason }]);
  }
  try {
    const ext = extname(file).toLowerCase();
    return ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ConfigError([
      { file, path: '', message: `not valid ${extname(file).slice(1) || 'JSON'}: ${(err as Error).message}` },
    ]);
  }
}

/** Validates a value read from `file` against a schema, or throws a ConfigError listing all issues. */
export function checkSchema<T extends TSchema>(schema: T, value: unknown, file: string): Static<T> {
  const issues = schemaIssues(schema, value);
  if (issues.length) throw new ConfigError(issues.map((i) => ({ file, path: i.path || '/', message: i.message })));
  return value as Static<T>;
}

function dataFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(json|ya?ml)$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** Every profile, by id. Checks beyond the schema: duplicates, transport-specific fields, regexes. */
export function loadProfiles(dir = join(DATA_DIR, 'profiles')): Map<string, DeviceProfile> {
  const out = new Map<string, DeviceProfile>();
  const problems: ConfigProblem[] = [];
  for (const file of dataFiles(dir)) {
    let parsed;
    try {
      parsed = checkSchema(ProfileFile, readDataFile(file), file);
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
      continue;
    }
    parsed.profiles.forEach((p, i) => {
      const at = (rest: string) => `/profiles/${i}${rest}`;
      if (out.has(p.id)) problems.push({ file, path: at('/id'), message: `duplicate profile id "${p.id}"` });
      if ((p.transport === 'modbus-rtu' || p.transport === 'ascii-line') && !p.serial)
        problems.push({ file, path: at('/serial'), message: `${p.transport} profiles need serial defaults` });
      if (p.transport === 'snmp' && !p.snmp)
        problems.push({ file, path: at('/snmp'), message: 'snmp profiles need an snmp block (version)' });
      if (p.inputs && p.transport !== 'modbus-rtu')
        problems.push({ file, path: at('/inputs'), message: 'input channels are read over modbus-rtu only' });
      p.metrics.forEach((m, j) => {
        if (m.plausible.min >= m.plausible.max)
          problems.push({ file, path: at(`/metrics/${j}/plausible`), message: 'min must be below max' });
        if (p.transport === 'modbus-rtu') {
          if (!m.register)
            problems.push({ file, path: at(`/metrics/${j}/register`), message: 'modbus-rtu metrics need a register' });
          else
            problems.push(...registerProblems(m.register, isStateMetric(m.metric), file, at(`/metrics/${j}/register`)));
        }
        if (p.transport === 'snmp') {
          if (!m.snmp) problems.push({ file, path: at(`/metrics/${j}/snmp`), message: 'snmp metrics need an oid' });
          else if (isStateMetric(m.metric) && !m.snmp.oneWhen)
            problems.push({
              file,
              path: at(`/metrics/${j}/snmp/oneWhen`),
              message: `state metric ${m.metric} needs oneWhen (which values mean 1)`,
            });
        }
        if (p.transport === 'ascii-line') {
          if (!m.line)
            problems.push({ file, path: at(`/metrics/${j}/line`), message: 'ascii-line metrics need a line pattern' });
          else {
            try {
              if (!new RegExp(m.line.pattern).source.includes('?<value>'))
                problems.push({
                  file,
                  path: at(`/metrics/${j}/line/pattern`),
                  message: 'pattern needs a named group (?<value>...)',
                });
            } catch (e) {
              problems.push({
                file,
                path: at(`/metrics/${j}/line/pattern`),
                message: `bad regular expression: ${(e as Error).message}`,
              });
            }
          }
        }
      });
      out.set(p.id, p);
    });
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

/** Register specs beyond the schema: what each function code can hold, and states as one bit. */
function registerProblems(r: RegisterSpec, state: boolean, file: string, path: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const bitRead = r.function === 1 || r.function === 2;
  if (
    bitRead &&
    (r.words !== undefined || r.type !== undefined || r.signed || r.scale !== undefined || r.bit !== undefined)
  )
    out.push({
      file,
      path,
      message: `function ${r.function} reads single bits: words, type, signed, scale and bit do not apply`,
    });
  if (r.bit !== undefined && ((r.words ?? 1) !== 1 || r.type === 'float32' || r.scale !== undefined || r.signed))
    out.push({
      file,
      path: `${path}/bit`,
      message: 'a bit field is one bit of one 16-bit register (no words, type, scale or sign)',
    });
  if (r.invert && !bitRead && r.bit === undefined)
    out.push({
      file,
      path: `${path}/invert`,
      message: 'invert applies to one-bit values (functions 01/02 or a bit field)',
    });
  if (state && !bitRead && r.bit === undefined)
    out.push({
      file,
      path,
      message: 'a state metric is one bit: read it with function 01/02 or name its bit in a register',
    });
  return out;
}

/** A device's input channels against its profile's input block (site configs). */
function inputProblems(d: SiteDevice, p: DeviceProfile, file: string, path: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (!p.inputs) {
    if (d.inputs) out.push({ file, path: `${path}/inputs`, message: `profile "${p.id}" has no input channels to map` });
    return out;
  }
  if (!d.inputs?.length) {
    out.push({
      file,
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
      out.push({ file, path: `${at}/channel`, message: `channel ${ch.channel}: "${p.id}" has ${p.inputs!.count}` });
    if (channels.has(ch.channel))
      out.push({ file, path: `${at}/channel`, message: `channel ${ch.channel} is mapped twice` });
    if (metrics.has(ch.metric))
      out.push({
        file,
        path: `${at}/metric`,
        message: `${ch.metric} is reported twice by "${d.id}"; put a second detector on another module`,
      });
    channels.add(ch.channel);
    metrics.add(ch.metric);
  });
  return out;
}

/** A notification route: where each escalation level sends, and levels in order. */
function routeProblems(r: NotificationRoute, file: string, path: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const levels = r.levels ?? [{ afterS: 0 }];
  if (r.format === 'email') {
    if (r.url || r.secret || levels.some((l) => l.url || l.secret))
      out.push({ file, path, message: 'an e-mail route has addresses ("to"), not a url or secret' });
    levels.forEach((l, k) => {
      if (!l.to && !r.to)
        out.push({
          file,
          path: r.levels ? `${path}/levels/${k}/to` : `${path}/to`,
          message: 'an e-mail level needs its addresses ("to")',
        });
    });
  } else {
    if (r.to || levels.some((l) => l.to))
      out.push({ file, path, message: `a ${r.format} route posts to a url; "to" is for e-mail routes` });
    levels.forEach((l, k) => {
      if (!l.url && !r.url)
        out.push({
          file,
          path: r.levels ? `${path}/levels/${k}/url` : `${path}/url`,
          message: `a ${r.format} route needs a url (the route's, or its level's own)`,
        });
    });
  }
  levels.forEach((l, k) => {
    if (k > 0 && l.afterS <= levels[k - 1]!.afterS)
      out.push({ file, path: `${path}/levels/${k}/afterS`, message: 'levels go in order: each afterS above the last' });
  });
  return out;
}

export type LoadedSite = SiteConfigT & { file: string };

/** One site config, checked against the schema and the profiles it names. */
export function loadSite(file: string, profiles = loadProfiles()): LoadedSite {
  const site = checkSchema(SiteConfig, readDataFile(file), file);
  const problems: ConfigProblem[] = [];
  const ids = new Set<string>();
  site.zones.forEach((z, zi) =>
    z.devices.forEach((d, di) => {
      const path = `/zones/${zi}/devices/${di}`;
      if (ids.has(d.id)) problems.push({ file, path: `${path}/id`, message: `duplicate device id "${d.id}"` });
      ids.add(d.id);
      const p = profiles.get(d.profile);
      if (!p)
        problems.push({
          file,
          path: `${path}/profile`,
          message: `unknown profile "${d.profile}" (known: ${[...profiles.keys()].join(', ')})`,
        });
      else problems.push(...inputProblems(d, p, file, path));
    }),
  );
  (site.notifications ?? []).forEach((r, i) => problems.push(...routeProblems(r, file, `/notifications/${i}`)));
  try {
    new Intl.DateTimeFormat('en', { timeZone: site.timezone });
  } catch {
    problems.push({ file, path: '/timezone', message: `unknown time zone "${site.timezone}"` });
  }
  if (problems.length) throw new ConfigError(problems);
  return { ...site, file };
}

/** The shipped site configs (or the given files), by site id. */
export function loadSites(files?: string[], profiles = loadProfiles()): Map<string, LoadedSite> {
  const list = files && files.length ? files : dataFiles(join(DATA_DIR, 'sites'));
  const out = new Map<string, LoadedSite>();
  const problems: ConfigProblem[] = [];
  for (const file of list) {
    try {
      const s = loadSite(file, profiles);
      if (out.has(s.id))
        problems.push({ file, path: '/id', message: `site "${s.id}" is also defined in ${out.get(s.id)!.file}` });
      out.set(s.id, s);
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}

export function loadCatalogue(file = join(DATA_DIR, 'clauses', 'catalogue.json')): ClauseCatalogueT {
  const cat = checkSchema(ClauseCatalogue, readDataFile(file), file);
  const problems: ConfigProblem[] = [];
  const ids = new Set<string>();
  cat.clauses.forEach((c, ci) =>
    c.rules.forEach((r, ri) => {
      const at = `/clauses/${ci}/rules/${ri}`;
      if (ids.has(r.id)) problems.push({ file, path: `${at}/id`, message: `duplicate rule id "${r.id}"` });
      ids.add(r.id);
      // A state rule watches a state input, in its alarm state 0 or 1.
      if (r.kind === 'state') {
        if (!r.metric || !isStateMetric(r.metric))
          problems.push({
            file,
            path: `${at}/metric`,
            message: 'a state rule names a state metric (water_leak, smoke, …)',
          });
        const when = r.params?.alarmWhen;
        if (when !== undefined && when !== 0 && when !== 1)
          problems.push({ file, path: `${at}/params/alarmWhen`, message: 'alarmWhen is 0 or 1' });
      }
    }),
  );
  for (const [name, overrides] of Object.entries(cat.profiles ?? {}))
    overrides.forEach((o, i) => {
      if (!ids.has(o.rule))
        problems.push({ file, path: `/profiles/${name}/${i}/rule`, message: `unknown rule "${o.rule}"` });
    });
  if (problems.length) throw new ConfigError(problems);
  return cat;
}

export function loadCalendarYears(dir = join(DATA_DIR, 'calendar')): CalendarYearT[] {
  return dataFiles(dir).map((f) => checkSchema(CalendarYear, readDataFile(f), f));
}

/**
 * An edge config, checked against its schema, the profiles (right transport for where the device is
 * attached) and its site config (every device declared there with the same profile).
 */
export function loadEdgeConfig(file: string, profiles = loadProfiles()): { config: EdgeConfigT; site: LoadedSite } {
  const config = checkSchema(EdgeConfig, readDataFile(file), file);
  const siteFile = config.siteConfig
    ? resolve(dirname(file), config.siteConfig)
    : join(DATA_DIR, 'sites', `${config.site}.json`);
  if (!config.siteConfig && !existsSync(siteFile))
    throw new ConfigError([
      { file, path: '/site', message: `no shipped site config for "${config.site}"; set "siteConfig" to its file` },
    ]);
  const site = loadSite(siteFile, profiles);
  const problems: ConfigProblem[] = [];
  if (site.id !== config.site)
    problems.push({
      file,
      path: '/site',
      message: `site "${config.site}" does not match the site config ${siteFile} (id "${site.id}")`,
    });
  const declared = new Map(site.zones.flatMap((z) => z.devices.map((d) => [d.id, { ...d, zone: z }] as const)));
  const seen = new Set<string>();
  const check = (id: string, profile: string, path: string, transport: string) => {
    if (seen.has(id)) problems.push({ file, path: `${path}/id`, message: `device "${id}" is configured twice` });
    seen.add(id);
    const p = profiles.get(profile);
    if (!p) problems.push({ file, path: `${path}/profile`, message: `unknown profile "${profile}"` });
    else if (p.transport !== transport)
      problems.push({
        file,
        path: `${path}/profile`,
        message: `profile "${profile}" is ${p.transport}, but the device is attached as ${transport}`,
      });
    const d = declared.get(id);
    if (!d)
      problems.push({
        file,
        path: `${path}/id`,
        message: `device "${id}" is not in the site config ${siteFile}; add it there first`,
      });
    else if (d.profile !== profile)
      problems.push({
        file,
        path: `${path}/profile`,
        message: `profile "${profile}" differs from the site config's "${d.profile}" for "${id}"`,
      });
  };
  config.buses?.forEach((b, bi) => {
    const units = new Set<number>();
    b.devices.forEach((d, di) => {
      const path = `/buses/${bi}/devices/${di}`;
      if (units.has(d.unitId))
        problems.push({
          file,
          path: `${path}/unitId`,
          message: `slave address ${d.unitId} is used twice on ${b.port}`,
        });
      units.add(d.unitId);
      check(d.id, d.profile, path, 'modbus-rtu');
    });
  });
  config.serialMeters?.forEach((m, i) => check(m.id, m.profile, `/serialMeters/${i}`, 'ascii-line'));
  config.snmpDevices?.forEach((d, i) => check(d.id, d.profile, `/snmpDevices/${i}`, 'snmp'));
  config.mqttDevices?.devices?.forEach((d, i) => check(d.id, d.profile, `/mqttDevices/devices/${i}`, 'mqtt'));
  if (problems.length) throw new ConfigError(problems);
  return { config, site };
}

/** The working-day calendar shipped in calendar/ (the current and next year). */
export function shippedCalendar(): WorkingCalendar {
  return new WorkingCalendar(loadCalendarYears());
}
