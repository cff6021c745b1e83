// The edge's Prometheus metrics (GET /metrics on its loopback health port; docs/operations.md
// "Metrics"), with prom-client's conventional names: process and Node figures, the outbox (records
// per stream, bytes against its budget, age of the oldest record), the uplink (connected, records
// forwarded), what was read and rejected, device faults by kind, devices online, the disk of the
// data dir and whether the OS says the clock is synchronised. Everything is read from the agent's
// own counters when scraped: nothing is added to the polling path.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { DiskSpace } from '@hallmon/firmware-config';
import type { EdgeAgent } from './agent.ts';

export class EdgeMetrics {
  readonly registry = new Registry();

  constructor(agent: EdgeAgent, disk: () => DiskSpace | undefined, now: () => number = Date.now) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const outbox = () => (agent.outbox.isOpen ? agent.outbox.stats() : undefined);
    new Gauge({
      name: 'hallmon_edge_outbox_records',
      help: 'Records waiting in the outbox for the uplink, per stream',
      labelNames: ['stream'],
      registers,
      collect() {
        const ob = outbox();
        if (ob) for (const [stream, st] of Object.entries(ob.streams)) this.set({ stream }, st.count);
      },
    });
    new Gauge({
      name: 'hallmon_edge_outbox_bytes',
      help: 'Bytes the waiting records take (what the outbox budget bounds)',
      registers,
      collect() {
        const ob = outbox();
        if (ob) this.set(ob.bytes);
      },
    });
    new Gauge({
      name: 'hallmon_edge_outbox_budget_bytes',
      help: 'The outbox disk budget (outboxMaxMB)',
      registers,
      collect() {
        const ob = outbox();
        if (ob) this.set(ob.budgetBytes);
      },
    });
    new Gauge({
      name: 'hallmon_edge_outbox_oldest_age_seconds',
      help: 'Age (event time) of the oldest record waiting; 0 when the outbox is empty',
      registers,
      collect() {
        const ts = agent.outbox.isOpen ? agent.outbox.oldestTs() : null;
        this.set(ts === null ? 0 : Math.max(0, (now() - ts) / 1000));
      },
    });
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    counter(
      'hallmon_edge_forwarded_total',
      'Records the server acknowledged (PUBACK) and the outbox released',
      () => agent.uplink.stats().forwarded,
    );
    counter('hallmon_edge_readings_total', 'Readings accepted into the outbox', () => agent.counters.readings);
    counter('hallmon_edge_events_total', 'Counter-device events accepted into the outbox', () => agent.counters.events);
    counter(
      'hallmon_edge_alarms_total',
      'Alarm records (edge rules, system alarms) into the outbox',
      () => agent.counters.alarms,
    );
    counter(
      'hallmon_edge_dropped_total',
      'Records lost: over the outbox budget (a data_gap event says so) or while the disk failed',
      () => agent.counters.dropped + (outbox()?.dropped ?? 0),
    );
    new Counter({
      name: 'hallmon_edge_device_faults_total',
      help: 'Failed device polls and reads, per fault kind (timeout, crc-error, exception, disconnected)',
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        for (const [kind, n] of Object.entries(agent.counters.errors)) this.inc({ kind }, n ?? 0);
      },
    });
    new Counter({
      name: 'hallmon_edge_rejected_total',
      help: 'Inputs refused, per reason (out of the plausible range, bad payloads of counter devices)',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(agent.counters.rejected)) this.inc({ reason }, n);
      },
    });
    new Gauge({
      name: 'hallmon_edge_uplink_connected',
      help: '1 while connected to the server broker',
      registers,
      collect() {
        this.set(agent.uplink.stats().connected ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hallmon_edge_devices',
      help: 'Devices in the edge config',
      registers,
      collect() {
        this.set(agent.devices.size);
      },
    });
    new Gauge({
      name: 'hallmon_edge_devices_online',
      help: 'Devices answering (status online)',
      registers,
      collect() {
        this.set([...agent.devices.values()].filter((d) => d.status === 'online').length);
      },
    });
    new Gauge({
      name: 'hallmon_edge_disk_free_bytes',
      help: 'Free space of the disk holding the data dir (the outbox)',
      registers,
      collect() {
        const d = disk();
        if (d) this.set(d.freeBytes);
      },
    });
    new Gauge({
      name: 'hallmon_edge_clock_synchronised',
      help: 'Whether the OS says the clock is synchronised (1, 0; absent when it cannot tell)',
      registers,
      collect() {
        const s = agent.uplink.lastClockSync;
        if (s !== null) this.set(s ? 1 : 0);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
