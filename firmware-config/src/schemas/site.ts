// A site config: one hall with its zones, the devices in them, opening hours, time zone, seasons
// and the gateway credential (hashed). The server loads these; an edge checks its own against it.
import { Type, type Static } from '@sinclair/typebox';
import { SITE_ID_PATTERN, ID_PATTERN } from './wire.ts';

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

export const SiteDevice = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    profile: Type.String({ pattern: ID_PATTERN }),
    name: Type.Optional(Type.String()),
    /** Counter window the device serves (evaluators, queue calls). */
    window: Type.Optional(Type.String({ maxLength: 32 })),
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

export const NOTIFY_FORMATS = ['generic', 'wecom', 'dingtalk'] as const;
export type NotifyFormat = (typeof NOTIFY_FORMATS)[number];

/**
 * One outgoing webhook for a site's alarms: the machine room to the network administrator's robot,
 * the hall to the hall manager's. An empty or absent filter matches everything.
 */
export const NotificationRoute = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    name: Type.Optional(Type.String()),
    /** http(s) URL; WeCom and DingTalk robots carry their key/token in the query (never logged). */
    url: Type.String({ pattern: '^https?://' }),
    format: Type.Union(NOTIFY_FORMATS.map((f) => Type.Literal(f))),
    /** DingTalk robot signing secret (SEC...): adds the HMAC-SHA256 timestamp/sign query. */
    secret: Type.Optional(Type.String({ minLength: 1 })),
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
