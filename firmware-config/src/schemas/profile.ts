// A device profile describes one sensor model as data: how to talk to it (transport, serial
// defaults, register map or line format) and what it measures (metrics, units, plausible range).
// Adding a sensor model is adding a JSON file under firmware-config/profiles/, never code.
import { Type, type Static } from '@sinclair/typebox';
import { Metric, ID_PATTERN } from './wire.ts';

export const SerialDefaults = Type.Object(
  {
    baudRate: Type.Integer({ minimum: 300, maximum: 921_600 }),
    dataBits: Type.Union([Type.Literal(7), Type.Literal(8)]),
    parity: Type.Union([Type.Literal('none'), Type.Literal('even'), Type.Literal('odd')]),
    stopBits: Type.Union([Type.Literal(1), Type.Literal(2)]),
  },
  { additionalProperties: false },
);
export type SerialDefaults = Static<typeof SerialDefaults>;

/** Where a metric lives in a Modbus slave's register space. */
export const RegisterSpec = Type.Object(
  {
    /** 3 = read holding registers, 4 = read input registers. */
    function: Type.Union([Type.Literal(3), Type.Literal(4)]),
    address: Type.Integer({ minimum: 0, maximum: 65_535 }),
    /** 1 = a 16-bit integer; 2 = a 32-bit integer or float spread over two registers. */
    words: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    /** For words = 2: 'big' = high word first (ABCD), 'little' = low word first (CDAB). */
    wordOrder: Type.Optional(Type.Union([Type.Literal('big'), Type.Literal('little')])),
    type: Type.Optional(Type.Union([Type.Literal('int'), Type.Literal('float32')])),
    signed: Type.Optional(Type.Boolean()),
    /** Engineering value = raw × scale (e.g. 0.1 for "value×10" registers). */
    scale: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);
export type RegisterSpec = Static<typeof RegisterSpec>;

/** How an ASCII line carries a metric: a regex with a named group `value`. */
export const LineFieldSpec = Type.Object(
  { pattern: Type.String({ minLength: 1, maxLength: 300 }), scale: Type.Optional(Type.Number()) },
  { additionalProperties: false },
);

export const ProfileMetric = Type.Object(
  {
    metric: Metric,
    /** Values outside [min, max] are physically implausible for this model: flagged out-of-range. */
    plausible: Type.Object({ min: Type.Number(), max: Type.Number() }, { additionalProperties: false }),
    register: Type.Optional(RegisterSpec),
    line: Type.Optional(LineFieldSpec),
    /** A value repeated unchanged for this long is flagged stale (frozen sensor). */
    staleAfterS: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Seconds the value integrates over (noise_laeq); default 1. */
    intervalS: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    /** Cheap transmitters give a smoothed level, not a certified LAeq. */
    indicative: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ProfileMetric = Static<typeof ProfileMetric>;

export const DEVICE_CLASSES = ['sensor', 'evaluator', 'queue'] as const;

export const DeviceProfile = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    vendor: Type.String({ minLength: 1 }),
    model: Type.String({ minLength: 1 }),
    description: Type.String(),
    transport: Type.Union([Type.Literal('modbus-rtu'), Type.Literal('ascii-line'), Type.Literal('mqtt')]),
    deviceClass: Type.Union(DEVICE_CLASSES.map((c) => Type.Literal(c))),
    serial: Type.Optional(SerialDefaults),
    /** Modbus RTU: per-request timeout and retries unless the bus overrides them. */
    modbus: Type.Optional(
      Type.Object(
        {
          timeoutMs: Type.Optional(Type.Integer({ minimum: 20, maximum: 10_000 })),
          retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** ASCII line meters: how lines end. */
    ascii: Type.Optional(
      Type.Object(
        {
          delimiter: Type.String({ minLength: 1, maxLength: 4 }),
          maxLineLength: Type.Optional(Type.Integer({ minimum: 8 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** MQTT devices: the event types this model publishes. */
    events: Type.Optional(Type.Array(Type.String())),
    /** Installation notes printed on the device's install sheet (wiring, power, factory settings). */
    wiring: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    metrics: Type.Array(ProfileMetric),
  },
  { additionalProperties: false },
);
export type DeviceProfile = Static<typeof DeviceProfile>;

/** One profile file holds the models of one vendor or family. */
export const ProfileFile = Type.Object(
  { $schema: Type.Optional(Type.String()), profiles: Type.Array(DeviceProfile, { minItems: 1 }) },
  { additionalProperties: false },
);
