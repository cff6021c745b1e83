// /api/config: the site configuration the server keeps (versions, zones, devices, limits, opening
// hours), the device profiles to pick from, MQTT credentials, install sheets and the commissioning
// check of a new device (server/src/config/routes.ts; docs/contract.md "Site configuration"). Admin
// only. The config itself is firmware-config's SiteConfig schema, the same a site file follows.
import { Type, type Static } from '@sinclair/typebox';
import {
  DeviceProfile,
  EDGE_CONFIG_STATES,
  ID_PATTERN,
  SITE_ID_PATTERN,
  SiteConfig,
  SiteDevice,
  Zone,
} from '@hallmon/firmware-config/core';
import { IsoTime, MetricName, Nullable, QualityName, StatusName, ZoneKindName } from './common.ts';

export const CONFIG_CHANGES = ['seed', 'create', 'update', 'delete', 'rollback', 'import'] as const;

/** One stored version of a site config. */
export const ConfigVersionInfo = Type.Object({
  version: Type.Integer(),
  ts: IsoTime,
  /** Username, "cli:<os user>" for the command line, "system" for the first start's seeding. */
  actor: Type.String(),
  change: Type.Union(CONFIG_CHANGES.map((c) => Type.Literal(c))),
  note: Nullable(Type.String()),
  /** What changed: "devices +mr-th-3 -ar-th-1 ~hall-th-1; zones +store; settings openingHours". */
  summary: Type.String(),
  /** The version this one replaced. */
  previous: Nullable(Type.Integer()),
  /** A removal: the site is gone from this version on (its content is the last before). */
  deleted: Type.Boolean(),
});
export type ConfigVersionInfo = Static<typeof ConfigVersionInfo>;
export const ConfigVersionList = Type.Array(ConfigVersionInfo);

export const ConfigVersion = Type.Object({ ...ConfigVersionInfo.properties, config: SiteConfig });
export type ConfigVersion = Static<typeof ConfigVersion>;

/** What the site's edge last said about its configuration (all null: it never reported). */
export const EdgeSync = Type.Object({
  /** remote: configured by the server; local: by its own file, which wins. */
  mode: Nullable(Type.Union([Type.Literal('remote'), Type.Literal('local')])),
  state: Nullable(Type.Union(EDGE_CONFIG_STATES.map((s) => Type.Literal(s)))),
  /** The version it runs. */
  running: Nullable(Type.Integer()),
  /** The newest version it received. */
  received: Nullable(Type.Integer()),
  /** It runs exactly what the server holds now (same digest). */
  inSync: Type.Boolean(),
  /** Why it refused the newest version. */
  error: Nullable(Type.String()),
  reportedAt: Nullable(IsoTime),
});
export type EdgeSync = Static<typeof EdgeSync>;

export const ConfigSiteSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  updatedAt: IsoTime,
  updatedBy: Type.String(),
  zones: Type.Integer(),
  devices: Type.Integer(),
  edge: EdgeSync,
});
export type ConfigSiteSummary = Static<typeof ConfigSiteSummary>;
export const ConfigSiteList = Type.Array(ConfigSiteSummary);

/** GET /api/config/sites/{site} and the answer of every change. */
export const ConfigSite = Type.Object({
  id: Type.String(),
  version: ConfigVersionInfo,
  config: SiteConfig,
  /** SHA-256 of what the edge gets (site without notification routes, device credential hashes). */
  digest: Type.String(),
  edge: EdgeSync,
});
export type ConfigSite = Static<typeof ConfigSite>;

export const ProfileList = Type.Array(DeviceProfile);

export const CredentialInfo = Type.Object({
  id: Type.String(),
  site: Type.String(),
  /** null: a gateway (an edge or a third-party gateway); else the MQTT device it admits. */
  device: Nullable(Type.String()),
  username: Type.String(),
  createdAt: IsoTime,
  createdBy: Type.String(),
  note: Nullable(Type.String()),
  revokedAt: Nullable(IsoTime),
  revokedBy: Nullable(Type.String()),
  /** Gateways: whether a client is connected with it to the embedded broker now (null: not known). */
  connected: Nullable(Type.Boolean()),
});
export type CredentialInfo = Static<typeof CredentialInfo>;
export const CredentialList = Type.Array(CredentialInfo);

/** POST /api/config/credentials: the secret, shown this once (only its scrypt hash is kept). */
export const NewCredentialAnswer = Type.Object({ credential: CredentialInfo, password: Type.String() });
export type NewCredentialAnswer = Static<typeof NewCredentialAnswer>;

export const COMMISSIONING_STATES = ['waiting', 'ok', 'implausible', 'no-answer', 'silent'] as const;
export type CommissioningState = (typeof COMMISSIONING_STATES)[number];

export const CommissioningMetric = Type.Object({
  metric: MetricName,
  unit: Type.String(),
  count: Type.Integer(),
  first: Nullable(IsoTime),
  last: Nullable(IsoTime),
  lastValue: Nullable(Type.Number()),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  /** Readings the edge flagged out-of-range (outside the model's plausible range). */
  outOfRange: Type.Integer(),
  /** The model's plausible range (profile) and what a service hall room can show (commissioning data). */
  plausible: Type.Object({ min: Type.Number(), max: Type.Number() }),
  expected: Type.Object({ min: Type.Number(), max: Type.Number() }),
  /** Why this metric looks wrong, or null. */
  flag: Nullable(Type.String()),
});

/** GET /api/config/sites/{site}/devices/{device}/commissioning */
export const Commissioning = Type.Object({
  site: Type.String(),
  device: Type.String(),
  profile: Type.String(),
  zoneKind: ZoneKindName,
  /** When the device entered the config (the version that added it); the check looks from here. */
  since: IsoTime,
  /** The check's window: a verdict within this many seconds of `since`. */
  windowS: Type.Integer(),
  state: Type.Union(COMMISSIONING_STATES.map((s) => Type.Literal(s))),
  /** In words, with what to check (wiring, unit id, profile). */
  message: Type.String(),
  status: Nullable(StatusName),
  /** The first readings (up to 20), oldest first. */
  readings: Type.Array(Type.Object({ ts: IsoTime, metric: MetricName, value: Type.Number(), quality: QualityName })),
  metrics: Type.Array(CommissioningMetric),
  /** Counter events received since (evaluators, queue machines). */
  events: Type.Integer(),
});
export type Commissioning = Static<typeof Commissioning>;

// Request bodies. The config inside is checked in full by the server (every problem named with its
// path), so these schemas only shape the envelope; the types are the precise ones.
const Note = Type.Optional(Type.String({ maxLength: 500 }));
const BaseVersion = Type.Optional(Type.Integer({ minimum: 1 }));

export const NewSiteBody = Type.Object({ config: SiteConfig, note: Note }, { additionalProperties: false });
export type NewSiteBody = Static<typeof NewSiteBody>;
export const PutSiteBody = Type.Object(
  { config: SiteConfig, baseVersion: BaseVersion, note: Note },
  { additionalProperties: false },
);
export type PutSiteBody = Static<typeof PutSiteBody>;

/** The site-wide settings PATCH may change (everything but the id and the zones). */
export const SITE_SETTINGS = [
  'name',
  'nameEn',
  'timezone',
  'openingHours',
  'summer',
  'rulesAt',
  'renotifyAfterS',
  'selftest',
  'notifications',
  'edge',
  'limitProfiles',
  'overrides',
] as const;
export const SiteSettings = Type.Partial(Type.Pick(SiteConfig, SITE_SETTINGS));
export type SiteSettings = Static<typeof SiteSettings>;
export const PatchSiteBody = Type.Object(
  {
    settings: SiteSettings,
    /** Settings to take out (back to their defaults), e.g. ["summer"]. */
    unset: Type.Optional(Type.Array(Type.Union(SITE_SETTINGS.map((k) => Type.Literal(k))))),
    baseVersion: BaseVersion,
    note: Note,
  },
  { additionalProperties: false },
);
export type PatchSiteBody = Static<typeof PatchSiteBody>;

export const ZoneBody = Type.Object(
  { zone: Type.Omit(Zone, ['devices']), baseVersion: BaseVersion, note: Note },
  { additionalProperties: false },
);
export type ZoneBody = Static<typeof ZoneBody>;
export const ZonePatchBody = Type.Object(
  {
    zone: Type.Object(
      { kind: Type.Optional(ZoneKindName), name: Type.Optional(Type.String({ minLength: 1 })) },
      { additionalProperties: false },
    ),
    baseVersion: BaseVersion,
    note: Note,
  },
  { additionalProperties: false },
);
export type ZonePatchBody = Static<typeof ZonePatchBody>;

export const DeviceBody = Type.Object(
  { zone: Type.String({ pattern: ID_PATTERN }), device: SiteDevice, baseVersion: BaseVersion, note: Note },
  { additionalProperties: false },
);
export type DeviceBody = Static<typeof DeviceBody>;

export const RollbackBody = Type.Object(
  { version: Type.Integer({ minimum: 1 }), note: Note },
  { additionalProperties: false },
);
export type RollbackBody = Static<typeof RollbackBody>;

/** A site file's text (JSON or YAML), as exported. */
export const ImportBody = Type.Object(
  { text: Type.String({ minLength: 2, maxLength: 60_000 }), note: Note },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;

export const NewCredentialBody = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    device: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    note: Note,
  },
  { additionalProperties: false },
);
export type NewCredentialBody = Static<typeof NewCredentialBody>;

/** The install sheet; the device's password goes on it only when given (it is not kept). */
export const SheetBody = Type.Object(
  { password: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export type SheetBody = Static<typeof SheetBody>;
