// Loads and validates firmware-config data: device profiles, site configs, the clause catalogue,
// calendars and edge configs. Every problem is reported at once, naming the file, the JSON path
// in it and what is wrong, so an installer can fix a config in one pass.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { TSchema, Static } from '@sinclair/typebox';
import { schemaIssues } from './validate.ts';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { WorkingCalendar } from './calendar.ts';
import { ProfileFile, type DeviceProfile, type RegisterSpec } from './schemas/profile.ts';
import { SiteConfig } from './schemas/site.ts';
import type { SiteConfig as SiteConfigT } from './schemas/site.ts';
import { isStateMetric } from './schemas/wire.ts';
import { ClauseCatalogue, type ClauseCatalogue as ClauseCatalogueT } from './schemas/clause.ts';
import { CalendarYear, type CalendarYear as CalendarYearT } from './schemas/calendar.ts';
import { EdgeConfig, type EdgeConfig as EdgeConfigT } from './schemas/edge-config.ts';
import { ReportSchedule, type ReportSchedule as ReportScheduleT } from './schemas/reports.ts';
import { siteProblems } from './site-check.ts';
import { RoomRanges, type RoomRanges as RoomRangesT } from './schemas/commissioning.ts';

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

/** A data file's text (JSON, else YAML), e.g. an uploaded site file; syntax errors name `where`. */
export function parseDataText(text: string, where: string): unknown {
  const t = text.trimStart();
  try {
    return t.startsWith('{') || t.startsWith('[') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError([{ file: where, path: '', message: `not valid JSON or YAML: ${(err as Error).message}` }]);
  }
}

/** A value as a data file's text: JSON (two-space indent) or YAML. */
export function formatDataFile(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'yaml' ? stringifyYaml(value) : `${JSON.stringify(value, null, 2)}\n`;
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

export type LoadedSite = SiteConfigT & { file: string };

/** One site config, checked against the schema and the profiles it names. */
export function loadSite(file: string, profiles = loadProfiles()): LoadedSite {
  return checkSite(readDataFile(file), file, profiles);
}

/**
 * A site config value (read from `file`, or a body or message naming where it came from) checked
 * against the schema and the profiles (site-check.ts), or a ConfigError listing every problem.
 */
export function checkSite(
  value: unknown,
  file: string,
  profiles: ReadonlyMap<string, DeviceProfile> = loadProfiles(),
  catalogue?: ClauseCatalogueT,
): LoadedSite {
  const site = checkSchema(SiteConfig, value, file);
  const problems = siteProblems(site, profiles, catalogue);
  if (problems.length) throw new ConfigError(problems.map((p) => ({ file, ...p })));
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
  const clauseIds = new Set<string>();
  cat.clauses.forEach((c, ci) => {
    if (clauseIds.has(c.id))
      problems.push({ file, path: `/clauses/${ci}/id`, message: `duplicate clause id "${c.id}"` });
    clauseIds.add(c.id);
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
      if (r.kind === 'followup-rate' && (r.measure === undefined || r.limits?.min === undefined))
        problems.push({
          file,
          path: at,
          message: 'a followup-rate rule names its measure and its target as limits.min (%)',
        });
    });
    const s = c.scoring;
    if (s && s.points > 0 && !s.pointsSource)
      problems.push({ file, path: `/clauses/${ci}/scoring/pointsSource`, message: 'points need their source' });
    s?.deductions?.forEach((d, di) => {
      if (d.upTo !== undefined && d.upTo < d.points)
        problems.push({
          file,
          path: `/clauses/${ci}/scoring/deductions/${di}/upTo`,
          message: `upTo (${d.upTo}) is below points (${d.points})`,
        });
    });
  });
  for (const [name, overrides] of Object.entries(cat.profiles ?? {}))
    overrides.forEach((o, i) => {
      if (!ids.has(o.rule))
        problems.push({ file, path: `/profiles/${name}/${i}/rule`, message: `unknown rule "${o.rule}"` });
    });
  if (problems.length) throw new ConfigError(problems);
  return cat;
}

/** The scheduled reports (the shipped firmware-config/reports/schedule.json unless a file is given). */
export function loadReportSchedule(file = join(DATA_DIR, 'reports', 'schedule.json')): ReportScheduleT {
  const s = checkSchema(ReportSchedule, readDataFile(file), file);
  const problems: ConfigProblem[] = [];
  const ids = new Set<string>();
  s.plans.forEach((p, i) => {
    if (ids.has(p.id)) problems.push({ file, path: `/plans/${i}/id`, message: `duplicate plan id "${p.id}"` });
    ids.add(p.id);
  });
  try {
    new Intl.DateTimeFormat('en', { timeZone: s.timezone });
  } catch {
    problems.push({ file, path: '/timezone', message: `unknown time zone "${s.timezone}" (e.g. Asia/Shanghai)` });
  }
  if (problems.length) throw new ConfigError(problems);
  return s;
}

/** What a newly added device's first readings may show in a service hall's rooms (commissioning check). */
export function loadRoomRanges(file = join(DATA_DIR, 'commissioning', 'room-ranges.json')): RoomRangesT {
  return checkSchema(RoomRanges, readDataFile(file), file);
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
  config.mqttDevices?.devices?.forEach((d, i) => {
    check(d.id, d.profile, `/mqttDevices/devices/${i}`, 'mqtt');
    if (d.password === undefined && d.passwordHashes === undefined)
      problems.push({
        file,
        path: `/mqttDevices/devices/${i}/password`,
        message: `device "${d.id}" needs a password (or passwordHashes) to connect to the edge's broker`,
      });
  });
  if (problems.length) throw new ConfigError(problems);
  // A DI module's channels are the site config's: the edge is given them with its bus device.
  for (const b of config.buses ?? [])
    for (const d of b.devices) {
      const inputs = declared.get(d.id)?.inputs;
      if (inputs) d.inputs = inputs;
    }
  return { config, site };
}

/** The working-day calendar shipped in calendar/ (the current and next year). */
export function shippedCalendar(): WorkingCalendar {
  return new WorkingCalendar(loadCalendarYears());
}
