// A site config: one hall with its zones, the devices in them, opening hours, time zone, seasons
// and the gateway credential (hashed). The server loads these; an edge checks its own against it.
import { Type, type Static } from '@sinclair/typebox';
import { SITE_ID_PATTERN, ID_PATTERN, STATE_METRICS } from './wire.ts';

export const ZONE_KINDS = ['hall', 'machine-room', 'archive-room', 'other'] as const;
export const ZoneKind = Type.Union(ZONE_KINDS.map((k) => Type.Literal(k)));
export type ZoneKind = (typeof ZONE_KINDS)[number];

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

/**
 * One channel of a digital-input module (a profile with `inputs`) wired to a dry contact: the state
 * metric it reports and the contact type. A normally-open contact (NO, the default) closes when
 * the condition holds (input 1 = water, smoke, door open); a normally-closed one (NC) opens then,
 * so its input is inverted. A broken NC wire therefore reads as the alarm, which is why detectors
 * are wired NC.
 */
export const InputChannel = Type.Object(
  {
    /** 1-based channel number as printed on the module. */
    channel: Type.Integer({ minimum: 1, maximum: 64 }),
    metric: Type.Union(STATE_METRICS.map((m) => Type.Literal(m))),
    contact: Type.Optional(Type.Union([Type.Literal('NO'), Type.Literal('NC')])),
    name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type InputChannel = Static<typeof InputChannel>;

export const SiteDevice = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    profile: Type.String({ pattern: ID_PATTERN }),
    name: Type.Optional(Type.String()),
    /** Counter window the device serves (evaluators, queue calls). */
    window: Type.Optional(Type.String({ maxLength: 32 })),
    /** Digital-input modules: what each wired channel reports (the profile's `inputs` block). */
    inputs: Type.Optional(Type.Array(InputChannel, { minItems: 1 })),
  },
  { additionalProperties: false },
);
export type SiteDevice = Static<typeof SiteDevice>;

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
    gateway: Type.Object(
      {
        username: Type.String({ minLength: 1, maxLength: 64 }),
        /** scrypt$N$r$p$saltB64$hashB64 — never the plain secret. */
        passwordHash: Type.String({ pattern: '^scrypt\\$' }),
      },
      { additionalProperties: false },
    ),
    /** Where the clause rules run for this site's sensors: on its edge, or on the server. */
    rulesAt: Type.Optional(Type.Union([Type.Literal('edge'), Type.Literal('server')])),
    zones: Type.Array(Zone, { minItems: 1 }),
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
