// SNMP poller for devices on the hall's LAN, chiefly UPS network cards speaking UPS-MIB (RFC 1628):
// one GET per device and poll of every object its profile names, each value scaled or turned into
// a state (profile `oneWhen`), through net-snmp (SNMP v1/v2c over UDP). Devices are independent (UDP
// needs no bus turn-taking), so each has its own loop; a silent agent is reported like a silent
// Modbus slave: a fault per failed poll, offline after three, then probed rarely.
import { createSession, isVarbindError, varbindError, Version1, Version2c, type Session, type Varbind } from 'net-snmp';
import type { DeviceProfile, DeviceStatus, Logger, OidSpec, SnmpDevice } from '@hallmon/firmware-config';
import type { Driver, DriverSink, FaultKind, RawSample } from './driver.ts';
import { sleep } from './backoff.ts';
import { ERR, errFields } from '../errors.ts';

export interface SnmpDriverOptions {
  devices: SnmpDevice[];
  profiles: Map<string, DeviceProfile>;
  sink: DriverSink;
  log: Logger;
}

/** Failed polls in a row before a device is reported offline (as on a Modbus bus). */
const OFFLINE_AFTER_FAILURES = 3;

/** The engineering value of one object: scaled, or a state (1 when `oneWhen` holds, else 0). */
export function decodeOid(spec: OidSpec, raw: number): number {
  if (spec.oneWhen) {
    const { in: set, atLeast } = spec.oneWhen;
    const hit = (set !== undefined && set.includes(raw)) || (atLeast !== undefined && raw >= atLeast);
    return hit ? 1 : 0;
  }
  return Number.parseFloat((raw * (spec.scale ?? 1)).toPrecision(12));
}

/** A varbind's value as a number (INTEGER, Gauge32, TimeTicks, Counter64), or null. */
function numeric(vb: Varbind): number | null {
  const v = vb.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v) && v.length > 0 && v.length <= 8) return Number(readUint(v));
  return null;
}

function readUint(b: Buffer): bigint {
  let n = 0n;
  for (const byte of b) n = (n << 8n) | BigInt(byte);
  return n;
}

interface DeviceState {
  cfg: SnmpDevice;
  profile: DeviceProfile;
  objects: { metric: RawSample['metric']; spec: OidSpec }[];
  session: Session | undefined;
  status: DeviceStatus | 'unknown';
  failures: number;
}

interface Failure {
  kind: FaultKind;
  detail: string;
}

export class SnmpDriver implements Driver {
  readonly name = 'snmp';
  private readonly devices: DeviceState[];
  private abort = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly opts: SnmpDriverOptions) {
    this.devices = opts.devices.map((cfg) => {
      const profile = opts.profiles.get(cfg.profile);
      if (!profile) throw new Error(`snmp: device "${cfg.id}" names unknown profile "${cfg.profile}"`);
      if (profile.transport !== 'snmp')
        throw new Error(`snmp: profile "${cfg.profile}" of "${cfg.id}" is ${profile.transport}, not snmp`);
      const objects = profile.metrics.flatMap((m) => (m.snmp ? [{ metric: m.metric, spec: m.snmp }] : []));
      return { cfg, profile, objects, session: undefined, status: 'unknown' as const, failures: 0 };
    });
  }

  async start(): Promise<void> {
    if (this.loops.length) return;
    this.abort = new AbortController();
    this.loops = this.devices.map((d) =>
      this.run(d).catch((err) =>
        this.opts.log.error({ err, device: d.cfg.id, driver: this.name }, 'snmp poll loop ended by a bug'),
      ),
    );
  }

  async stop(): Promise<void> {
    if (!this.loops.length) return;
    this.abort.abort();
    await Promise.all(this.loops);
    this.loops = [];
    for (const d of this.devices) this.closeSession(d);
  }

  private session(d: DeviceState): Session {
    if (!d.session) {
      const p = d.profile.snmp;
      d.session = createSession(d.cfg.host, d.cfg.community ?? 'public', {
        port: d.cfg.port ?? 161,
        version: p?.version === '1' ? Version1 : Version2c,
        timeout: d.cfg.timeoutMs ?? p?.timeoutMs ?? 1000,
        retries: d.cfg.retries ?? p?.retries ?? 1,
        transport: 'udp4',
      });
      // A socket error (e.g. ICMP port unreachable) surfaces here: the poll that hit it fails by timeout.
      (d.session as unknown as NodeJS.EventEmitter).on('error', () => this.closeSession(d));
    }
    return d.session;
  }

  private closeSession(d: DeviceState): void {
    const s = d.session;
    d.session = undefined;
    try {
      s?.close();
    } catch {
      /* already closed */
    }
  }

  private async run(d: DeviceState): Promise<void> {
    const pollMs = d.cfg.pollMs ?? 5000;
    const offlineMs = Math.max(10_000, 10 * pollMs);
    let due = Date.now();
    while (!this.abort.signal.aborted) {
      const wait = due - Date.now();
      if (wait > 0) {
        await sleep(wait, this.abort.signal);
        continue;
      }
      const res = await this.get(d);
      if (this.abort.signal.aborted) return;
      const now = Date.now();
      if ('samples' in res) this.ok(d, res.samples, now);
      else this.failed(d, res, now, offlineMs);
      const period = d.status === 'offline' ? offlineMs : pollMs;
      due = due + period < now - period ? now : due + period;
    }
  }

  private ok(d: DeviceState, samples: RawSample[], now: number): void {
    const { sink, log } = this.opts;
    for (const s of samples) sink.sample(s);
    sink.polled(d.cfg.id);
    if (d.status !== 'online') {
      if (d.status === 'offline') log.info({ device: d.cfg.id, driver: this.name }, 'device answers again');
      d.status = 'online';
      sink.status(d.cfg.id, 'online', now);
    }
    d.failures = 0;
  }

  private failed(d: DeviceState, f: Failure, now: number, offlineMs: number): void {
    const { sink, log } = this.opts;
    d.failures++;
    sink.fault(f.kind, d.cfg.id, f.detail, now);
    const code = f.kind === 'timeout' ? ERR.SNMP_TIMEOUT : ERR.SNMP_ERROR;
    const fields = { device: d.cfg.id, host: d.cfg.host, driver: this.name, fault: f.kind, ...errFields(code) };
    if (d.failures === 1 && d.status !== 'offline') log.warn(fields, `snmp read failed: ${f.detail}`);
    if (d.failures >= OFFLINE_AFTER_FAILURES && d.status !== 'offline') {
      d.status = 'offline';
      sink.status(d.cfg.id, 'offline', now);
      log.warn(
        { ...fields, code: ERR.DEVICE_OFFLINE },
        `device offline after ${d.failures} failed polls; retried every ${offlineMs / 1000} s`,
      );
      // A fresh socket for the probes: a card that rebooted may not know the old one.
      this.closeSession(d);
    }
  }

  /** One GET of every object of the device; a value per metric, or why there is none. */
  private get(d: DeviceState): Promise<{ samples: RawSample[] } | Failure> {
    const oids = d.objects.map((o) => o.spec.oid);
    return new Promise((resolve) => {
      let session: Session;
      try {
        session = this.session(d);
      } catch (err) {
        resolve({ kind: 'disconnected', detail: `cannot open a UDP socket: ${(err as Error).message}` });
        return;
      }
      session.get(oids, (error, varbinds) => {
        const ts = Date.now();
        if (error) {
          const timeout = (error as Error).name === 'RequestTimedOutError';
          resolve({
            kind: timeout ? 'timeout' : 'exception',
            detail: timeout ? `no answer from ${d.cfg.host}:${d.cfg.port ?? 161}` : error.message,
          });
          return;
        }
        const samples: RawSample[] = [];
        for (const [i, o] of d.objects.entries()) {
          const vb = varbinds?.[i];
          if (!vb || isVarbindError(vb)) {
            resolve({ kind: 'exception', detail: `${o.spec.oid}: ${vb ? varbindError(vb) : 'missing in the answer'}` });
            return;
          }
          const raw = numeric(vb);
          if (raw === null || !Number.isFinite(raw)) {
            resolve({ kind: 'exception', detail: `${o.spec.oid}: not a number` });
            return;
          }
          samples.push({ sensor: d.cfg.id, metric: o.metric, value: decodeOid(o.spec, raw), ts });
        }
        resolve({ samples });
      });
    });
  }
}
