// GET /api/sites: the halls the server knows, their zones, what each sensor measures and the counter
// devices, so the dashboard renders every site from data (server/src/api/routes-sites.ts).
import { Type, type Static } from '@sinclair/typebox';
import { MetricName, ZoneKindName } from './common.ts';

/** A wired channel of a digital-input module (site config `inputs`): what it reports and its contact type. */
export const SiteInput = Type.Object({
  channel: Type.Integer(),
  metric: MetricName,
  contact: Type.Union([Type.Literal('NO'), Type.Literal('NC')]),
  name: Type.Optional(Type.String()),
});

export const SiteSensor = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  profile: Type.String(),
  metrics: Type.Array(MetricName),
  /** Noise from a transmitter that gives a smoothed level, not a certified LAeq: label it "indicative". */
  indicative: Type.Optional(Type.Literal(true)),
  /** A digital-input module's wired channels. */
  inputs: Type.Optional(Type.Array(SiteInput)),
});
export type SiteSensor = Static<typeof SiteSensor>;

export const SiteDeviceInfo = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  profile: Type.String(),
  /** The counter window the device serves (evaluators, queue calls). */
  window: Type.Optional(Type.String()),
});
export type SiteDeviceInfo = Static<typeof SiteDeviceInfo>;

export const SiteZone = Type.Object({
  id: Type.String(),
  kind: ZoneKindName,
  name: Type.String(),
  /** Devices with metrics (transmitters, sound level meters). */
  sensors: Type.Array(SiteSensor),
  /** Every device of the zone, sensors and counter devices. */
  devices: Type.Array(SiteDeviceInfo),
});
export type SiteZone = Static<typeof SiteZone>;

export const OpeningHours = Type.Object({
  /** ISO weekdays, 1 = Monday. */
  days: Type.Array(Type.Integer()),
  from: Type.String(),
  to: Type.String(),
});
export type OpeningHours = Static<typeof OpeningHours>;

export const SiteInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  timezone: Type.String(),
  openingHours: Type.Array(OpeningHours),
  /** Month-day bounds of the summer season (hall climate limits switch); the default 05-01..09-30 filled in. */
  summer: Type.Object({ from: Type.String(), to: Type.String() }),
  zones: Type.Array(SiteZone),
});
export type SiteInfo = Static<typeof SiteInfo>;

export const SiteList = Type.Array(SiteInfo);
