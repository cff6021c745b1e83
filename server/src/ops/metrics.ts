// The server's Prometheus metrics (GET /metrics, docs/operations.md "Metrics"), in the text format
// and with the conventional names of prom-client: process and Node figures (collectDefaultMetrics),
// ingest messages, accepted and rejected by reason per stream (mirrored from IngestCounters when
// scraped), batch and store write latency (histograms observed by the ingest batchers), devices
// online and alarms active per site, notification deliveries and failures, disk space of the data
// dir, and each edge's clock offset. Nothing here is on the per-reading path: histograms are
// observed once per batch.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CountersSnapshot } from '../ingest/counters.ts';
import type { DiskState } from './disk-watch.ts';

/** What the registry reads when scraped. */
export interface MetricSources {
  ingest: () => CountersSnapshot;
  /** Per site: devices of its config, and how many of them were heard from recently. */
  devices: () => Promise<Array<{ site: string; online: number; total: number }>>;
  /** Active (raised, not cleared) alarms per site and severity. */
  activeAlarms: () => Promise<Array<{ site: string; severity: string; count: number }>>;
  disk: () => DiskState | undefined;
  /** Each edge's last clock report: its offset from the server, and whether its OS says it is synchronised. */
  clocks: () => Array<{ site: string; edge: string; offsetS: number; synced: boolean | null }>;
  /** Live push figures. */
  live: () => { clients: number } | null;
  /** Scheduled backups (null when off). */
  backup: () => { lastSuccess: number | null; failures: number } | null;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServerMetrics {
  readonly registry = new Registry();
  /** From the first message of a batch arriving to the batch stored (what the sender waits for its PUBACK). */
  readonly batchSeconds: Histogram<'stream'>;
  /** The store call alone. */
  readonly storeWriteSeconds: Histogram<'stream'>;
  readonly notifications: Counter<'site' | 'outcome'>;

  constructor(src: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const counters = (field: 'messages' | 'accepted' | 'duplicates', name: string, help: string) =>
      new Counter({
        name,
        help,
        labelNames: ['stream'],
        registers,
        collect() {
          this.reset();
          const s = src.ingest();
          for (const stream of ['telemetry', 'events', 'alarms', 'status', 'clock', 'unrouted'] as const)
            if (s[stream]) this.inc({ stream }, s[stream][field]);
        },
      });
    counters('messages', 'hallmon_ingest_messages_total', 'MQTT messages received, per stream');
    counters('accepted', 'hallmon_ingest_accepted_total', 'Readings, events, alarms and status changes stored');
    counters('duplicates', 'hallmon_ingest_duplicates_total', 'Items received again and stored once (at-least-once)');
    new Counter({
      name: 'hallmon_ingest_rejected_total',
      help: 'Items refused, per stream and reason (docs/contract.md, rejection reasons)',
      labelNames: ['stream', 'reason'],
      registers,
      collect() {
        this.reset();
        const s = src.ingest();
        for (const stream of ['telemetry', 'events', 'alarms', 'status', 'clock', 'unrouted'] as const)
          for (const [reason, n] of Object.entries(s[stream]?.rejected ?? {})) this.inc({ stream, reason }, n ?? 0);
      },
    });
    this.batchSeconds = new Histogram({
      name: 'hallmon_ingest_batch_seconds',
      help: 'Time from the first message of an ingest batch arriving to the batch being stored',
      labelNames: ['stream'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.storeWriteSeconds = new Histogram({
      name: 'hallmon_store_write_seconds',
      help: 'Duration of one store write (a batch)',
      labelNames: ['stream'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'hallmon_devices',
      help: 'Devices in the site configs',
      labelNames: ['site'],
      registers,
      async collect() {
        this.reset();
        for (const d of await src.devices()) this.set({ site: d.site }, d.total);
      },
    });
    new Gauge({
      name: 'hallmon_devices_online',
      help: 'Devices heard from recently (online status, or data within their silence limit)',
      labelNames: ['site'],
      registers,
      async collect() {
        this.reset();
        for (const d of await src.devices()) this.set({ site: d.site }, d.online);
      },
    });
    new Gauge({
      name: 'hallmon_alarms_active',
      help: 'Alarms raised and not cleared, per site and severity',
      labelNames: ['site', 'severity'],
      registers,
      async collect() {
        this.reset();
        for (const a of await src.activeAlarms()) this.set({ site: a.site, severity: a.severity }, a.count);
      },
    });
    this.notifications = new Counter({
      name: 'hallmon_notifications_total',
      help: 'Webhook notification attempts that ended, per site and outcome (delivered, failed)',
      labelNames: ['site', 'outcome'],
      registers,
    });
    new Gauge({
      name: 'hallmon_disk_free_bytes',
      help: 'Free space of the disk holding the data dir',
      registers,
      collect() {
        const d = src.disk();
        if (d) this.set(d.freeBytes);
      },
    });
    new Gauge({
      name: 'hallmon_disk_size_bytes',
      help: 'Size of the disk holding the data dir',
      registers,
      collect() {
        const d = src.disk();
        if (d) this.set(d.totalBytes);
      },
    });
    new Gauge({
      name: 'hallmon_edge_clock_offset_seconds',
      help: "An edge's clock minus the server's at its last report (positive: the edge is ahead)",
      labelNames: ['site', 'edge'],
      registers,
      collect() {
        this.reset();
        for (const c of src.clocks()) this.set({ site: c.site, edge: c.edge }, c.offsetS);
      },
    });
    new Gauge({
      name: 'hallmon_edge_clock_synchronised',
      help: 'Whether the edge OS says its clock is synchronised (1, 0; absent when it cannot tell)',
      labelNames: ['site', 'edge'],
      registers,
      collect() {
        this.reset();
        for (const c of src.clocks()) if (c.synced !== null) this.set({ site: c.site, edge: c.edge }, c.synced ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hallmon_backup_last_success_timestamp_seconds',
      help: 'When the last scheduled backup was written (absent before the first, or when off)',
      registers,
      collect() {
        const b = src.backup();
        if (b?.lastSuccess) this.set(b.lastSuccess / 1000);
      },
    });
    new Counter({
      name: 'hallmon_backup_failures_total',
      help: 'Scheduled backups that failed',
      registers,
      collect() {
        this.reset();
        this.inc(src.backup()?.failures ?? 0);
      },
    });
    new Gauge({
      name: 'hallmon_live_clients',
      help: 'Dashboards connected over socket.io',
      registers,
      collect() {
        this.set(src.live()?.clients ?? 0);
      },
    });
  }

  /** The batch and write timings of one store write (the ingest batchers call this). */
  observeBatch(stream: string, waitedMs: number, writeMs: number): void {
    this.batchSeconds.observe({ stream }, waitedMs / 1000);
    this.storeWriteSeconds.observe({ stream }, writeMs / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
