// The edge agent's config (docs/contract.md, "Edge config"): what an installer writes for one hall.
import { Type, type Static } from '@sinclair/typebox';
import { SITE_ID_PATTERN, ID_PATTERN } from './wire.ts';
import { ZoneKind } from './zone-kind.ts';
import { Calibration, SerialLineOptions } from './calibration.ts';
import { InputChannel } from './input-channel.ts';

export { Calibration } from './calibration.ts';

const DeviceBase = {
  id: Type.String({ pattern: ID_PATTERN }),
  profile: Type.String({ pattern: ID_PATTERN }),
  zone: Type.Union([ZoneKind, Type.String({ pattern: ID_PATTERN })]),
  /** Per-sensor calibration: value = raw × scale + offset, per metric. */
  calibration: Type.Optional(Calibration),
};

export const BusDevice = Type.Object(
  {
    ...DeviceBase,
    unitId: Type.Integer({ minimum: 1, maximum: 247 }),
    /**
     * A DI module's wired channels, copied from the site config (its `inputs`, the truth): a
     * hand-written edge config leaves them out and loadEdgeConfig fills them in.
     */
    inputs: Type.Optional(Type.Array(InputChannel, { minItems: 1 })),
  },
  { additionalProperties: false },
);
export type BusDevice = Static<typeof BusDevice>;

const SerialPortOptions = { port: Type.String({ minLength: 1 }), ...SerialLineOptions };

export const Bus = Type.Object(
  {
    ...SerialPortOptions,
    /** How often each device on the bus is read (default 1000 ms). */
    pollMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 3_600_000 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 20, maximum: 10_000 })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
    devices: Type.Array(BusDevice, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type Bus = Static<typeof Bus>;

export const SerialMeter = Type.Object({ ...DeviceBase, ...SerialPortOptions }, { additionalProperties: false });
export type SerialMeter = Static<typeof SerialMeter>;

/**
 * A counter device on the edge's own broker. Its credential is a plain `password` (a hand-written
 * edge config) or `passwordHashes` (scrypt hashes, as the server sends them to a remotely configured
 * edge: any of them admits the device); loadEdgeConfig asks for one of the two.
 */
export const MqttDevice = Type.Object(
  {
    ...DeviceBase,
    password: Type.Optional(Type.String({ minLength: 1 })),
    passwordHashes: Type.Optional(Type.Array(Type.String({ pattern: '^scrypt\\$' }))),
    window: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type MqttDevice = Static<typeof MqttDevice>;

/**
 * A device read over SNMP on the hall's LAN (a UPS's network card speaking UPS-MIB, RFC 1628). The
 * community is a read-only one; it stays on the edge (never logged, never forwarded).
 */
export const SnmpDevice = Type.Object(
  {
    ...DeviceBase,
    host: Type.String({ minLength: 1, maxLength: 253 }),
    /** UDP port of the agent (default 161). */
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
    /** Read community (default "public"). */
    community: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** How often the device is read (default 5000 ms). */
    pollMs: Type.Optional(Type.Integer({ minimum: 200, maximum: 3_600_000 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 30_000 })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
  },
  { additionalProperties: false },
);
export type SnmpDevice = Static<typeof SnmpDevice>;

export const EdgeConfig = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    /** Path to the site config; default: the shipped firmware-config/sites/{site}.json. */
    siteConfig: Type.Optional(Type.String()),
    uplink: Type.Object(
      {
        url: Type.String({ pattern: '^(mqtt|mqtts|ws|wss|tcp)://' }),
        username: Type.String({ minLength: 1 }),
        password: Type.String({ minLength: 1 }),
        /** CA certificate (PEM file) for mqtts with a private CA. */
        ca: Type.Optional(Type.String()),
        /** Readings per telemetry message (default 500, contract maximum 5000). */
        batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
        /** Messages awaiting PUBACK at once (default 8). */
        inflight: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      },
      { additionalProperties: false },
    ),
    dataDir: Type.String({ minLength: 1 }),
    /** Disk budget of the outbox in megabytes (default 512). */
    outboxMaxMB: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** Local health endpoint (HTTP on 127.0.0.1); 0 or absent = off. */
    healthPort: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
    buses: Type.Optional(Type.Array(Bus)),
    serialMeters: Type.Optional(Type.Array(SerialMeter)),
    snmpDevices: Type.Optional(Type.Array(SnmpDevice)),
    mqttDevices: Type.Optional(
      Type.Object(
        {
          port: Type.Integer({ minimum: 0, maximum: 65_535 }),
          host: Type.Optional(Type.String()),
          /** Largest accepted device message in bytes (default 65536). */
          maxPayload: Type.Optional(Type.Integer({ minimum: 256 })),
          /** A device silent for this long is marked offline (default 120 s). */
          offlineAfterS: Type.Optional(Type.Integer({ minimum: 1 })),
          devices: Type.Optional(Type.Array(MqttDevice)),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type EdgeConfig = Static<typeof EdgeConfig>;
