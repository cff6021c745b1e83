// `hallmon simulate --backfill --data-dir DIR`: writes a scenario's history (with the year's
// incidents, simulators' backfill-year.ts) straight into the server's SQLite store in big batches,
// then seals the closed days, so a new install has a year of evidence in minutes instead of a year
// of waiting. It lives here, not in simulators, because it writes the server's store and seals:
// simulators stays free of server code and the simulate command gets it injected (simulate-cli.ts).
// A running server may share the store: SQLite WAL lets this second writer wait for the lock (the
// store sets busy_timeout), each batch is one short transaction.
import {
  createLogger,
  loadCatalogue,
  loadProfiles,
  parseTimestamp,
  shippedCalendar,
  toIso,
  type Metric,
} from '@hallmon/firmware-config';
import { backfillFollowups, type BadRating } from './backfill-followups.ts';
import {
  counterStatus,
  estimateReadings,
  generateHistory,
  planIncidents,
  yearScenario,
  type StoreBackfillOptions,
  type StoreBackfillResult,
} from '@hallmon/simulators';
import { createStore, SealStore, sealDays, siteSchedule, type StoredEvent, type StoredReading } from '@hallmon/server';

/** Readings per write transaction: big enough to amortise, short enough not to block a server. */
const WRITE_BATCH = 20_000;

export async function backfillStore(o: StoreBackfillOptions): Promise<StoreBackfillResult> {
  const started = Date.now();
  const log = o.log ?? createLogger('simulate');
  const profiles = o.profiles ?? loadProfiles();
  const incidents = Array.isArray(o.incidents)
    ? o.incidents
    : o.incidents === false
      ? []
      : planIncidents(o.site, o.seed, o.from, o.to);
  const scenario = incidents.length ? yearScenario(o.scenario, o.site, incidents) : o.scenario;
  const stepS: Partial<Record<Metric, number>> = { noise_laeq: o.noiseStepS ?? 1 };
  const hist = {
    scenario,
    site: o.site,
    seed: o.seed,
    from: o.from,
    to: o.to,
    stepS,
    ...(o.sensors ? { sensors: o.sensors } : {}),
  };
  const total = Math.max(1, estimateReadings(hist));
  const store = createStore({ kind: 'sqlite', dataDir: o.dataDir }, log);
  await store.open();
  const res: StoreBackfillResult = {
    readings: 0,
    duplicates: 0,
    events: 0,
    statuses: 0,
    followups: 0,
    incidents,
    sealedDays: 0,
    seconds: 0,
  };
  try {
    let batch: StoredReading[] = [];
    const bad: BadRating[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const w = await store.writeReadings(batch);
      res.readings += w.inserted;
      res.duplicates += w.duplicates;
      batch = [];
    };
    for await (const b of generateHistory(hist)) {
      for (const r of b.readings) {
        const ts = parseTimestamp(r.ts)!;
        const s: StoredReading = {
          site: o.site.id,
          sensor: r.sensor,
          metric: r.metric,
          ts,
          value: r.value,
          quality: 'ok',
        };
        if (r.dur !== undefined) s.dur = r.dur;
        batch.push(s);
      }
      if (b.events.length) {
        const evs: StoredEvent[] = b.events.map(({ ts, start, end, ...rest }) => {
          const e = { ...rest, site: o.site.id, ts: parseTimestamp(ts)! } as StoredEvent;
          if (start !== undefined) e.start = parseTimestamp(start)!;
          if (end !== undefined) e.end = parseTimestamp(end)!;
          return e;
        });
        res.events += await store.writeEvents(evs);
        for (const e of evs)
          if (e.type === 'rating' && e.score !== undefined && e.score <= 4)
            bad.push({
              device: e.device,
              score: e.score,
              ts: e.ts,
              ...(e.window !== undefined ? { window: e.window } : {}),
              ...(e.ticket !== undefined ? { ticket: e.ticket } : {}),
            });
      }
      if (batch.length >= WRITE_BATCH) await flush();
      o.onProgress?.({ readings: res.readings + batch.length, events: res.events, total, final: false });
    }
    await flush();
    const status = counterStatus(o.site, scenario.signals(o.site, o.seed, { from: o.from }), incidents, o.from);
    await store.writeStatus(status.map((s) => ({ site: o.site.id, ...s })));
    res.statuses = status.length;
    // What the staff recorded for the residents' bad ratings (not for the unanswered incidents).
    if (o.followups !== false)
      res.followups = await backfillFollowups({
        dataDir: o.dataDir,
        site: o.site,
        ratings: bad,
        seed: o.seed,
        calendar: shippedCalendar(),
        catalogue: loadCatalogue(),
        now: Date.now(),
      });
    o.onProgress?.({ readings: res.readings, events: res.events, total, final: true });
    if (o.seal !== false) {
      const seals = new SealStore(o.dataDir);
      seals.open();
      try {
        const schedule = siteSchedule(o.site);
        const lastDay = schedule.day(o.to - 1);
        const r = await sealDays(store, seals, o.site, profiles, lastDay, { fromDay: schedule.day(o.from) });
        res.sealedDays = r.sealed.length;
      } finally {
        seals.close();
      }
    }
  } finally {
    await store.close();
  }
  res.seconds = (Date.now() - started) / 1000;
  log.debug({ readings: res.readings, first: toIso(o.from) }, 'backfill to store done');
  return res;
}
