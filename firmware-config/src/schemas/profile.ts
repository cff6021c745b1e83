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

/**
 * Where a metric lives in a Modbus slave's data model (Modbus Application Protocol V1.1b3 §4.3):
 * a coil (function 01) or discrete input (02) holds one bit; a holding (03) or input (04) register
 * holds a 16-bit word, one bit of which may be the metric (`bit`, a status word's flag).
 */
export const RegisterSpec = Type.Object(
  {
    /** 1 = read coils, 2 = read discrete inputs, 3 = read holding registers, 4 = read input registers. */
    function: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]),
    /** Register address (03/04) or coil / input number (01/02), 0-based as on the wire. */
    address: Type.Integer({ minimum: 0, maximum: 65_535 }),
    /** 1 = a 16-bit integer; 2 = a 32-bit integer or float spread over two registers. */
    words: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
    /** For words = 2: 'big' = high word first (ABCD), 'little' = low word first (CDAB). */
    wordOrder: Type.Optional(Type.Union([Type.Literal('big'), Type.Literal('little')])),
    type: Type.Optional(Type.Union([Type.Literal('int'), Type.Literal('float32')])),
    signed: Type.Optional(Type.Boolean()),
    /** Engineering value = raw × scale (e.g. 0.1 for "value×10" registers). */
    scale: Type.Optional(Type.Number()),
    /** 03/04: the metric is this bit (0 = least significant) of the register: value 0 or 1. */
    bit: Type.Optional(Type.Integer({ minimum: 0, maximum: 15 })),
    /** A one-bit value (coil, input, register bit) means the opposite: 1 - bit (a "mains fail" flag read as mains_ok). */
    invert: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RegisterSpec = Static<typeof RegisterSpec>;

/**
 * Where a metric lives in an SNMP agent's MIB: one scalar object (e.g. UPS-MIB, RFC 1628,
 * upsEstimatedChargeRemaining.0 = 1.3.6.1.2.1.33.1.2.4.0). `oneWhen` turns an enumeration or a
 * measurement into a state: 1 when the integer is one of `in`, or at least `atLeast`, else 0.
 */
export const OidSpec = Type.Object(
  {
    oid: Type.String({ pattern: '^[0-9]+(\\.[0-9]+)+$' }),
    scale: Type.Optional(Type.Number()),
    oneWhen: Type.Optional(
      Type.Object(
        {
          in: Type.Optional(Type.Array(Type.Integer(), { minItems: 1 })),
          atLeast: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type OidSpec = Static<typeof OidSpec>;

/**
 * A digital-input module: `count` channels read as bits from `address` on with function 01 or 02.
 * What each channel means is the installation's, not the model's: the site config maps each
 * channel to a state metric with its contact type (SiteDevice `inputs`).
 */
export const InputBlock = Type.Object(
  {
    function: Type.Union([Type.Literal(1), Type.Literal(2)]),
    address: Type.Integer({ minimum: 0, maximum: 65_535 }),
    count: Type.Integer({ minimum: 1, maximum: 64 }),
  },
  { additionalProperties: false },
);
export type InputBlock = Static<typeof InputBlock>;

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
    snmp: Type.Optional(OidSpec),
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
    transport: Type.Union([
      Type.Literal('modbus-rtu'),
      Type.Literal('ascii-line'),
      Type.Literal('mqtt'),
      Type.Literal('snmp'),
    ]),
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
    /** SNMP agents: protocol version and per-request timeout and retries unless the device overrides them. */
    snmp: Type.Optional(
      Type.Object(
        {
          version: Type.Union([Type.Literal('1'), Type.Literal('2c')]),
          timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 30_000 })),
          retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Digital-input modules: the channels whose meaning each site config gives (SiteDevice `inputs`). */
    inputs: Type.Optional(InputBlock),
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
