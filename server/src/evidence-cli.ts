// `hallmon evidence`: writes the evidence pack of one site and period into a folder (progress on
// stderr), and `hallmon evidence verify PACKDIR` checks a pack against its manifest and the store:
// exit 0 when intact, 1 naming the altered day or file, 3 when nothing is altered but some pruned
// days were sealed before rollup digests and cannot be re-verified. The lead wires it into bin/cli.ts.
import { resolve } from 'node:path';
import {
  createLogger,
  intFlag,
  loadCatalogue,
  parseCommand,
  loadProfiles,
  loadSites,
  UsageError,
  type CommandSpec,
  type ParsedFlags,
  shippedCalendar,
} from '@hallmon/firmware-config';
import { createStore, retentionCutoff } from './store/index.ts';
import type { Store } from './store/store.ts';
import { buildEvidence } from './evidence/compute.ts';
import { writePack } from './evidence/pack.ts';
import { SealStore } from './seal/seal-store.ts';
import { outcomesOf, readFollowupOutcomes } from './followups/outcomes.ts';
import { openState, STATE_FLAG, stateFlag } from './state/index.ts';
import type { SealState } from './state/state.ts';
import type { FollowupOutcome } from './evidence/types.ts';
import { evidenceVisits, readVisits, type VisitRow } from './visits/db.ts';
import { readManifest, verifyPack, type DayCheck } from './seal/verify.ts';
import { SigningKeys } from './signing/keys.ts';
import { readPublished, verifySignatures } from './signing/verify-signed.ts';

const common = {
  'data-dir': {
    type: 'string',
    arg: 'DIR',
    help: 'the server data dir (its store and seals.db)',
    default: './data/server',
  },
  state: {
    ...STATE_FLAG,
    help: "the server group's PostgreSQL state (seals, audit trail, alarms, follow-ups) instead of the data dir's files",
  },
  store: { type: 'string', arg: 'KIND', help: 'time-series store: sqlite or influxdb', default: 'sqlite' },
  'influx-url': {
    type: 'string',
    arg: 'URL',
    help: 'InfluxDB 1.x URL for --store influxdb, e.g. http://127.0.0.1:8086/hallmon',
  },
  config: {
    type: 'string',
    arg: 'FILE',
    multiple: true,
    help: 'site config file (repeatable); default: the shipped demo sites',
  },
} as const satisfies CommandSpec['flags'];

export const evidenceCommand: CommandSpec = {
  name: 'evidence',
  summary: 'Write the clause-by-clause evidence pack (JSON, CSV, PDF, manifest) of a site for a period; or verify one.',
  usage:
    'hallmon evidence --site ID --from DATE --to DATE --out DIR [options]\n       hallmon evidence verify PACKDIR [--data-dir DIR] [--store ...] [--config FILE]',
  flags: {
    site: { type: 'string', arg: 'ID', help: 'site id, e.g. demo' },
    from: { type: 'string', arg: 'DATE', help: 'first day (YYYY-MM-DD, site-local) or an ISO 8601 time with offset' },
    to: { type: 'string', arg: 'DATE', help: 'last day, included (YYYY-MM-DD) or an ISO 8601 time (excluded)' },
    out: { type: 'string', arg: 'DIR', help: 'folder to write the pack into (created)' },
    'coverage-threshold': {
      type: 'string',
      arg: 'PCT',
      help: 'coverage below this percentage is insufficient-data',
      default: '90',
    },
    'minute-data': {
      type: 'boolean',
      help: 'include the minute data CSVs (--no-minute-data or HALLMON_MINUTE_DATA=0 leaves them out)',
      default: true,
    },
    'signing-keys': {
      type: 'string',
      arg: 'DIR',
      help: "the folder of the sites' Ed25519 signing keys (the server's --signing-keys); default DATA-DIR/keys",
    },
    ...common,
  },
  examples: [
    'hallmon evidence --site demo --from 2024-05-01 --to 2025-04-30 --out ./evidence-2025',
    'hallmon evidence verify ./evidence-2025 --data-dir /var/lib/hallmon',
    'hallmon evidence verify ./evidence-2025 --published published.json --public-key 3f2a9c0d5e6b7a81',
  ],
};

export const verifyCommand: CommandSpec = {
  name: 'evidence verify',
  summary:
    'Check an evidence pack: file hashes against manifest.json, and every day against the stored data and the seal chain.',
  usage:
    'hallmon evidence verify PACKDIR [options]\n\nExit code: 0 intact; 1 a file or day altered, or a signature that does not hold (named); 2 usage error;\n3 nothing altered, but days whose raw readings were pruned were sealed before minute-rollup digests\nexisted and cannot be re-verified.',
  flags: {
    ...common,
    published: {
      type: 'string',
      arg: 'FILE',
      help: 'the day digests the hall published as it sealed (GET /api/digests of the district server, saved): names a day whose local copy was rewritten',
    },
    'public-key': {
      type: 'string',
      arg: 'KEY',
      help: "the site's Ed25519 public key (base64) or its key id, as the PDF or the district lists it: the pack must be signed with it",
    },
    'retention-days': {
      type: 'string',
      arg: 'N',
      help: "the server's --retention-days: raw readings older than this may be pruned, those days are checked against their sealed minute rollups",
      default: '400',
    },
  },
};

function str(flags: ParsedFlags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function need(flags: ParsedFlags, name: string, example: string): string {
  const v = str(flags, name);
  if (v === undefined)
    throw new UsageError(
      `--${name} is required, e.g. --${name} ${example}. Run 'hallmon evidence --help' for the options.`,
    );
  return v;
}

async function openStore(flags: ParsedFlags): Promise<{ store: Store; dataDir: string }> {
  const kind = str(flags, 'store') ?? 'sqlite';
  const dataDir = resolve(str(flags, 'data-dir') ?? './data/server');
  const log = createLogger('hallmon-evidence');
  let store;
  if (kind === 'sqlite') store = createStore({ kind: 'sqlite', dataDir }, log);
  else if (kind === 'influxdb') {
    const url = str(flags, 'influx-url');
    if (!url) throw new UsageError('--store influxdb needs --influx-url, e.g. http://127.0.0.1:8086/hallmon');
    store = createStore({ kind: 'influxdb', url }, log);
  } else throw new UsageError(`--store must be sqlite or influxdb (got "${kind}")`);
  await store.open();
  return { store, dataDir };
}

interface Trail {
  /** The store, its alarms answered by the PostgreSQL state when --state is given. */
  store: Store;
  seals: SealState;
  followupOutcomes(site: string): Promise<FollowupOutcome[]>;
  /** The machine-room entry register. */
  visits(site: string): Promise<VisitRow[]>;
  close(): Promise<void>;
}

/** Seals, audit trail, follow-ups and visits: the data dir's files, or the group's database (--state). */
async function openTrail(flags: ParsedFlags, store: Store, dataDir: string): Promise<Trail> {
  const url = stateFlag(flags);
  if (url) {
    const state = await openState({ dataDir, state: url });
    return {
      store: state.alarms(store),
      seals: state.seals,
      followupOutcomes: async (site) => outcomesOf(await state.followups.list(site, false, true)),
      visits: (site) => evidenceVisits(state.visits, site),
      close: () => state.close(),
    };
  }
  const seals = new SealStore(dataDir);
  seals.open();
  return {
    store,
    seals,
    followupOutcomes: (site) => readFollowupOutcomes(dataDir, site),
    visits: (site) => readVisits(dataDir, site),
    close: async () => seals.close(),
  };
}

function configFiles(flags: ParsedFlags): string[] | undefined {
  const c = flags.config;
  const files = Array.isArray(c) ? c : typeof c === 'string' ? [c] : [];
  return files.length ? files.map((f) => resolve(f)) : undefined;
}

/** A one-line progress bar on stderr, redrawn in place on a terminal. */
function progressBar(): (phase: string, fraction: number) => void {
  let last = '';
  return (phase, fraction) => {
    const line = `${phase.padEnd(7)} ${String(Math.round(fraction * 100)).padStart(3)} %`;
    if (line === last) return;
    last = line;
    process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
  };
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'verify') return runVerify(argv.slice(1));
  const parsed = parseCommandSafe(evidenceCommand, argv);
  if (!parsed) return 0;
  const { flags } = parsed;
  const siteId = need(flags, 'site', 'demo');
  const from = need(flags, 'from', '2024-05-01');
  const to = need(flags, 'to', '2025-04-30');
  const out = resolve(need(flags, 'out', './evidence'));
  const pctText = str(flags, 'coverage-threshold') ?? '90';
  const pct = Number(pctText);
  if (!(pct >= 0 && pct <= 100))
    throw new UsageError(`--coverage-threshold must be a percentage from 0 to 100 (got "${pctText}")`);
  const profiles = loadProfiles();
  const sites = loadSites(configFiles(flags), profiles);
  const site = sites.get(siteId);
  if (!site)
    throw new UsageError(
      `unknown site "${siteId}" (known: ${[...sites.keys()].join(', ')}); pass its config with --config FILE`,
    );
  const opened = await openStore(flags);
  const trail = await openTrail(flags, opened.store, opened.dataDir).catch(async (err: unknown) => {
    await opened.store.close();
    throw err;
  });
  const { store, seals } = trail;
  try {
    const bar = progressBar();
    const started = Date.now();
    const pack = await buildEvidence({
      store,
      site,
      catalogue: loadCatalogue(),
      profiles,
      calendar: shippedCalendar(),
      from,
      to,
      coverageThreshold: pct / 100,
      onProgress: bar,
      followupOutcomes: await trail.followupOutcomes(site.id),
      visits: await trail.visits(site.id),
      audit: seals.audit,
    }).catch((err: unknown) => {
      if (err instanceof RangeError || (err as { code?: string }).code === 'HM_ERR_EVIDENCE_PERIOD')
        throw new UsageError((err as Error).message);
      throw err;
    });
    const keys = new SigningKeys(resolve(str(flags, 'signing-keys') ?? `${opened.dataDir}/keys`));
    const manifest = await writePack({
      pack,
      store,
      site,
      profiles,
      dir: out,
      seals,
      minuteData: flags['minute-data'] !== false,
      onProgress: bar,
      signer: keys.forSite(site.id),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const w = (s: string) => process.stdout.write(`${s}\n`);
    w(
      `evidence pack for ${site.id} ${pack.firstDay} .. ${pack.lastDay} written to ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const c of pack.clauses)
      w(
        `  ${c.clause.padEnd(7)} ${c.verdict.padEnd(18)} coverage ${c.coverage === null ? '  -  ' : `${(c.coverage * 100).toFixed(1)} %`}  ${c.title}`,
      );
    w(`  ${manifest.files.length} files; chain head ${manifest.chain.at(-1)?.chain ?? '-'}`);
    w(`  signed with ${site.id}'s key ${pack.signingKey?.keyId ?? '-'} (${keys.dir}): manifest.sig.json`);
    return 0;
  } finally {
    await trail.close();
    await opened.store.close();
  }
}

async function runVerify(argv: string[]): Promise<number> {
  const parsed = parseCommandSafe(verifyCommand, argv, true);
  if (!parsed) return 0;
  const dir = parsed.positionals[0];
  if (!dir || parsed.positionals.length > 1)
    throw new UsageError(
      "give one pack folder: hallmon evidence verify PACKDIR. Run 'hallmon evidence verify --help' for the options.",
    );
  const packDir = resolve(dir);
  let manifest;
  try {
    manifest = readManifest(packDir);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const profiles = loadProfiles();
  const site = loadSites(configFiles(parsed.flags), profiles).get(manifest.site);
  if (!site)
    throw new UsageError(
      `the pack is for site "${manifest.site}", which is not in the site configs; pass it with --config FILE`,
    );
  const publishedFile = str(parsed.flags, 'published');
  let published;
  try {
    published = publishedFile ? readPublished(resolve(publishedFile)) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const publicKey = str(parsed.flags, 'public-key');
  const opened = await openStore(parsed.flags);
  const retentionDays = intFlag(parsed.flags, 'retention-days', 1, 36_500) ?? 400;
  const trail = await openTrail(parsed.flags, opened.store, opened.dataDir).catch(async (err: unknown) => {
    await opened.store.close();
    throw err;
  });
  const { store, seals } = trail;
  try {
    const bar = progressBar();
    const r = await verifyPack(packDir, store, {
      site,
      profiles,
      seals,
      rawFrom: retentionCutoff(Date.now(), retentionDays),
      onDay: (i, n) => bar('verify', i / n),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const w = (s: string) => process.stdout.write(`${s}\n`);
    // How each day was checked, as runs of consecutive days.
    for (const run of dayRuns(r.days))
      w(`  ${run.from === run.to ? run.from : `${run.from} .. ${run.to}`}: ${CHECK_TEXT[run.check]}`);
    const older = r.daysChecked - r.recordsChecked;
    w(
      `  device events and status changes checked on ${r.recordsChecked} of ${r.daysChecked} days${older ? ` (${older} sealed before records digests: readings and alarms only)` : ''}`,
    );
    const noTrail = r.daysChecked - r.auditChecked;
    w(
      `  audit trail checked on ${r.auditChecked} of ${r.daysChecked} days${noTrail ? ` (${noTrail} sealed before the audit trail was sealed)` : ''}`,
    );
    const sig = verifySignatures(packDir, manifest, {
      ...(publicKey !== undefined ? { publicKey } : {}),
      ...(published ? { published } : {}),
    });
    w(
      sig.signed
        ? `  signatures of key ${sig.keyId}${publicKey ? ' (the key given)' : ' (compare it with the key printed in the PDF, or pass --public-key)'}: manifest ${sig.manifestOk ? 'holds' : 'DOES NOT HOLD'}, ${manifest.chain.length - sig.badDays.length} of ${manifest.chain.length} day links hold`
        : '  signatures: none (the pack was written without a signing key)',
    );
    if (published) w(`  published digests: ${sig.publishedChecked} of ${manifest.chain.length} days compared`);
    for (const n of sig.notes) w(`  note: ${n}`);
    const ok = r.ok && sig.ok;
    if (ok && r.unverifiableDays.length === 0) {
      w(
        `intact: ${r.filesChecked} files and ${r.daysChecked} days of ${r.site} match the manifest, the store and the seal chain${published ? ', and the published digests' : ''}`,
      );
      return 0;
    }
    if (ok) {
      w(
        `NOT FULLY VERIFIABLE: nothing altered, but ${r.unverifiableDays.length} of ${r.daysChecked} days cannot be re-verified (raw readings pruned, sealed before minute-rollup digests)`,
      );
      for (const p of r.problems) w(`  ${p}`);
      return 3;
    }
    const days = [...new Set([...r.alteredDays, ...sig.differs, ...sig.badDays])].sort();
    const named = [...days.map((d) => `day ${d}`), ...r.alteredFiles.map((f) => `file ${f}`)];
    w(`ALTERED: ${named.length ? named.join(', ') : 'the signatures do not hold'}`);
    for (const p of [...r.problems, ...sig.problems]) w(`  ${p}`);
    return 1;
  } finally {
    await trail.close();
    await opened.store.close();
  }
}

const CHECK_TEXT: Record<DayCheck, string> = {
  raw: 'checked against the stored raw readings',
  rollup: 'raw pruned, checked against the sealed minute rollups',
  unverifiable: 'raw pruned and sealed before minute-rollup digests: cannot be re-verified',
  altered: 'ALTERED (see below)',
};

function dayRuns(days: Array<{ day: string; check: DayCheck }>): Array<{ from: string; to: string; check: DayCheck }> {
  const runs: Array<{ from: string; to: string; check: DayCheck }> = [];
  for (const d of days) {
    const last = runs.at(-1);
    if (last && last.check === d.check) last.to = d.day;
    else runs.push({ from: d.day, to: d.day, check: d.check });
  }
  return runs;
}

function parseCommandSafe(spec: CommandSpec, argv: string[], positionals = false) {
  return parseCommand(spec, argv, process.env, (s) => process.stdout.write(`${s}\n`), positionals);
}
