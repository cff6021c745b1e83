// The JSON the dashboard reads from the server (docs/contract.md "HTTP" and socket.io, plus the
// additions requested in dashboard/API-NEEDS.md). Wire vocabulary comes from firmware-config as
// types only, so the bundle carries no schema code.
import type { Metric, Severity, DeviceStatus, EventType, Quality } from '@hallmon/firmware-config/schemas/wire';
import type { ZoneKind } from '@hallmon/firmware-config/schemas/site';
import type { Role } from '../lib/roles.ts';

export type { Metric, Severity, DeviceStatus, EventType, Quality, ZoneKind };

export interface LoginAnswer {
  token: string;
  role: Role;
  username?: string;
}

export interface SiteSensor {
  id: string;
  name?: string;
  profile?: string;
  metrics: Metric[];
}

export interface SiteDeviceInfo {
  id: string;
  name?: string;
  profile?: string;
  window?: string;
}

export interface SiteZone {
  id: string;
  kind: ZoneKind;
  name: string;
  sensors: SiteSensor[];
  devices?: SiteDeviceInfo[];
}

export interface OpeningHours {
  days: number[];
  from: string;
  to: string;
}

export interface SiteInfo {
  id: string;
  name: string;
  nameEn?: string;
  timezone: string;
  openingHours?: OpeningHours[];
  /** API-NEEDS #1: month-day bounds of the summer season (hall climate limits switch). */
  summer?: { from: string; to: string };
  zones: SiteZone[];
}

export type Point = [ts: string, value: number | null];

export interface AggregateBucket {
  ts: string;
  count: number;
  min: number;
  max: number;
  mean: number;
  laeq?: number;
}

export interface ReadingsAnswer {
  points: Point[];
  step?: '1m' | '1h' | '1d';
  buckets?: AggregateBucket[];
  truncated?: boolean;
}

export interface Alarm {
  id: string;
  site: string;
  clause: string;
  rule: string;
  sensor: string;
  severity: Severity;
  /** 'raised' while active, 'cleared' once over. */
  state: 'raised' | 'cleared';
  startedAt: string;
  clearedAt: string | null;
  peak: number | null;
  limit?: number | null;
  message?: string | null;
  ackedBy: string | null;
  ackedAt: string | null;
  ackNote?: string | null;
  ts?: string;
}

/** socket.io `reading`. */
export interface LiveReading {
  site: string;
  sensor: string;
  metric: Metric;
  ts: string;
  value: number;
  quality: Quality;
  dur?: number;
}

/** socket.io `event` (CONTRACT events, with the site). */
export interface LiveEvent {
  site: string;
  device: string;
  type: EventType;
  ts: string;
  score?: number;
  window?: string;
  ticket?: string;
  fault?: string;
  count?: number;
  start?: string;
  end?: string;
  detail?: string;
}

/** socket.io `status`. */
export interface LiveStatus {
  site: string;
  device: string;
  status: DeviceStatus;
  ts: string;
}

/** API-NEEDS #2: GET /api/latest. */
export interface LatestReading {
  site: string;
  sensor: string;
  metric: Metric;
  ts: string;
  value: number;
  quality: Quality;
}

/** API-NEEDS #3: GET /api/devices. */
export interface DeviceRow {
  site: string;
  id: string;
  name?: string;
  zone: string;
  profile?: string;
  window?: string;
  status: DeviceStatus | 'unknown';
  lastSeen: string | null;
  errors: Record<string, number>;
  faultsThisMonth: number;
  openFaultSince: string | null;
  lastRepairWorkingDays: number | null;
}

/** API-NEEDS #5: GET /api/followups. */
export interface FollowUp {
  id: string;
  site: string;
  device: string;
  window: string | null;
  score: number;
  ratedAt: string;
  responseDue: string;
  simpleDue: string;
  complexDue: string;
  respondedAt: string | null;
  resolvedAt: string | null;
  state: 'open' | 'responded' | 'resolved';
}
