// A site config: one hall with its zones, the devices in them and where its edge reads each one
// (bus and unit id, serial port), opening hours, time zone, seasons, the site's limits (named limit
// profiles and rule overrides of the clause catalogue) and, in a file, its first gateway credential
// (hashed). The server keeps these, versioned (server/src/config/); an edge gets its part from there.
import { Type, type Static } from '@sinclair/typebox';
import { SITE_ID_PATTERN, ID_PATTERN } from './wire.ts';
import { InputChannel } from './input-channel.ts';
import { ZoneKind } from './zone-kind.ts';
import { Calibration, SerialLineOptions } from './calibration.ts';
import { Limits } from './clause.ts';

export { ZONE_KINDS, ZoneKind } from './zone-kind.ts';

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$' });
const MMDD = Type.String({ pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' });

export const OpeningHours = Type.Object(
  {
    /** ISO weekdays 1 (Monday) to 7 (Sunday). The centres work seven days a week (全年无休). */
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, uniqueItems: true }),
    from: HHMM,
    to: HHMM,
  },
  { additionalProperties: false },
);

export const SiteDevice = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    profile: Type.String({ pattern: ID_PATTERN }),
    name: Type.Optional(Type.String()),
    /** Counter window the device serves (evaluators, queue calls). */
    window: Type.Optional(Type.String({ maxLength: 32 })),
    /** Digital-input modules: what each wired channel reports (the profile's `inputs` block). */
    inputs: Type.Optional(Type.Array(InputChannel, { minItems: 1 })),
    /** Modbus RTU devices the edge reads: the id of a bus in `edge.buses`. */
    bus: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    /** Modbus slave address on that bus (Modbus over serial line V1.02 §2.2: 1-247). */
    unitId: Type.Optional(Type.Integer({ minimum: 1, maximum: 247 })),
    /** ASCII-line meters the edge reads: their own serial port. */
    serial: Type.Optional(
      Type.Object({ port: Type.String({ minLength: 1 }), ...SerialLineOptions }, { additionalProperties: false }),
    ),
    /** value = raw × scale + offset, per metric (applied on the edge). */
    calibration: Type.Optional(Calibration),
    /**
     * SNMP devices the edge reads (a UPS network card): where to poll it; community default "public",
     * poll every pollMs (default 5000).
     */
    snmp: Type.Optional(
      Type.Object(
        {
          host: Type.String({ minLength: 1, maxLength: 253 }),
          port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
          community: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          pollMs: Type.Optional(Type.Integer({ minimum: 200, maximum: 3_600_000 })),
          timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 30_000 })),
          retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SiteDevice = Static<typeof SiteDevice>;

/** One RS-485 bus of the site's edge: a serial port and how it is polled. */
export const SiteBus = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    name: Type.Optional(Type.String()),
    /** Serial device on the edge PC, e.g. /dev/ttyUSB0 (a stable /dev/serial/by-id/... path is better). */
    port: Type.String({ minLength: 1 }),
    ...SerialLineOptions,
    /** How often each device on the bus is read (default 1000 ms). */
    pollMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 3_600_000 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 20, maximum: 10_000 })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
  },
  { additionalProperties: false },
);
export type SiteBus = Static<typeof SiteBus>;

/** What the site's edge serves besides its devices: its buses and its broker for counter devices. */
export const SiteEdge = Type.Object(
  {
    buses: Type.Optional(Type.Array(SiteBus)),
    mqttDevices: Type.Optional(
      Type.Object(
        {
          port: Type.Integer({ minimum: 0, maximum: 65_535 }),
          host: Type.Optional(Type.String()),
          /** The address devices use to reach the edge (for install sheets); default: the edge PC's. */
          advertisedHost: Type.Optional(Type.String()),
          maxPayload: Type.Optional(Type.Integer({ minimum: 256 })),
          offlineAfterS: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SiteEdge = Static<typeof SiteEdge>;

/** A site's change to one catalogue rule, for the whole site or one zone (rules/src/bind.ts). */
export const RuleOverride = Type.Object(
  {
    rule: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }),
    zone: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    limits: Type.Optional(Limits),
    minDurationS: Type.Optional(Type.Integer({ minimum: 0 })),
    windowS: Type.Optional(Type.Integer({ minimum: 1 })),
    thresholdS: Type.Optional(Type.Integer({ minimum: 1 })),
    params: Type.Optional(Type.Record(Type.String(), Type.Number())),
  },
  { additionalProperties: false },
);
export type RuleOverride = Static<typeof RuleOverride>;

/** One of the catalogue's named limit sets (e.g. the legacy 2008 class C machine room), optionally for one zone. */
export const LimitProfileUse = Type.Object(
  { profile: Type.String({ minLength: 1 }), zone: Type.Optional(Type.String({ pattern: ID_PATTERN })) },
  { additionalProperties: false },
);
export type LimitProfileUse = Static<typeof LimitProfileUse>;

export const Zone = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    kind: ZoneKind,
    name: Type.String({ minLength: 1 }),
    devices: Type.Array(SiteDevice),
  },
  { additionalProperties: false },
);
export type Zone = Static<typeof Zone>;

/** Webhook bodies (generic JSON, WeCom and DingTalk robots) and e-mail through the server's SMTP relay. */
export const NOTIFY_FORMATS = ['generic', 'wecom', 'dingtalk', 'email'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

const Email = Type.String({ pattern: '^[^@\\s<>,;]+@[^@\\s<>,;]+\\.[^@\\s<>,;]+$', maxLength: 254 });

/**
 * One level of a route's escalation (as NetBotz escalates: level 1 at once, level 2 after 20 min
 * unacknowledged, level 3 after 90): who hears of an alarm still unacknowledged `afterS` seconds
 * after its first notice. A webhook level may post to a robot of its own (`url`, the director's
 * group); an e-mail level names its addresses (`to`). Acknowledging stops the escalation; an alarm
 * that clears by itself is told to every level that heard of it.
 */
export const EscalationLevel = Type.Object(
  {
    afterS: Type.Integer({ minimum: 0, maximum: 7 * 86_400 }),
    name: Type.Optional(Type.String()),
    /** Webhook formats: this level's robot (default the route's url). */
    url: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** DingTalk signing secret of this level's robot (default the route's). */
    secret: Type.Optional(Type.String({ minLength: 1 })),
    /** E-mail: this level's addresses. */
    to: Type.Optional(Type.Array(Email, { minItems: 1, maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type EscalationLevel = Static<typeof EscalationLevel>;

/**
 * One outgoing channel for a site's alarms: the machine room to the network administrator's robot,
 * the hall to the hall manager's, e-mail to whoever must know. An empty or absent filter matches
 * everything. Without `levels` a route has one level, at once, to its url or `to`.
 */
export const NotificationRoute = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    name: Type.Optional(Type.String()),
    /** http(s) URL; WeCom and DingTalk robots carry their key/token in the query (never logged). Not for e-mail. */
    url: Type.Optional(Type.String({ pattern: '^https?://' })),
    format: Type.Union(NOTIFY_FORMATS.map((f) => Type.Literal(f))),
    /** DingTalk robot signing secret (SEC...): adds the HMAC-SHA256 timestamp/sign query. */
    secret: Type.Optional(Type.String({ minLength: 1 })),
    /** E-mail routes: the addresses of the (single) level when there are no `levels`. */
    to: Type.Optional(Type.Array(Email, { minItems: 1, maxItems: 50 })),
    /** Escalation levels in order of afterS (the first is usually 0: at once). */
    levels: Type.Optional(Type.Array(EscalationLevel, { minItems: 1, maxItems: 10 })),
    zoneKinds: Type.Optional(Type.Array(ZoneKind)),
    severities: Type.Optional(Type.Array(Type.Union([Type.Literal('warning'), Type.Literal('critical')]))),
    clauses: Type.Optional(Type.Array(Type.String({ maxLength: 32 }))),
    /** false keeps the route in the file without sending (an example, a robot not yet set up). */
    enabled: Type.Optional(Type.Boolean()),
    /** Also send the site's scheduled report packs here (a download link); alarms still follow the filters. */
    reports: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type NotificationRoute = Static<typeof NotificationRoute>;

export const SiteConfig = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Type.String({ pattern: SITE_ID_PATTERN }),
    name: Type.String({ minLength: 1 }),
    nameEn: Type.Optional(Type.String()),
    timezone: Type.String({ minLength: 1, default: 'Asia/Shanghai' }),
    openingHours: Type.Array(OpeningHours, { minItems: 1 }),
    /** Hall climate limits switch with the season (GB/T 18883-2022); month-day bounds, inclusive. */
    summer: Type.Optional(Type.Object({ from: MMDD, to: MMDD }, { additionalProperties: false })),
    /**
     * The site's gateway credential in a site file (the server imports it into its credential store
     * and writes the oldest active one back on export). Absent in the versions the server keeps.
     */
    gateway: Type.Optional(
      Type.Object(
        {
          username: Type.String({ minLength: 1, maxLength: 64 }),
          /** scrypt$N$r$p$saltB64$hashB64 — never the plain secret. */
          passwordHash: Type.String({ pattern: '^scrypt\\$' }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Where the clause rules run for this site's sensors: on its edge, or on the server. */
    rulesAt: Type.Optional(Type.Union([Type.Literal('edge'), Type.Literal('server')])),
    zones: Type.Array(Zone, { minItems: 1 }),
    /** Where the site's edge reads its serial devices and serves its counter devices. */
    edge: Type.Optional(SiteEdge),
    /** Named limit sets of the clause catalogue in force (site-wide, or for one zone). */
    limitProfiles: Type.Optional(Type.Array(LimitProfileUse)),
    /** Changes to catalogue rules: limits, durations, windows (site-wide before per zone). */
    overrides: Type.Optional(Type.Array(RuleOverride)),
    /** Outgoing alarm webhooks (generic JSON, WeCom or DingTalk group robots). */
    notifications: Type.Optional(Type.Array(NotificationRoute)),
    /** Unacknowledged critical alarms are notified again after this many seconds (default 900 = 15 min). */
    renotifyAfterS: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Automatic self-test of the alarm path: every N days at a site-local time. */
    selftest: Type.Optional(
      Type.Object({ everyDays: Type.Integer({ minimum: 1, maximum: 366 }), at: HHMM }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
export type SiteConfig = Static<typeof SiteConfig>;
