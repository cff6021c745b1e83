// The stable names of every reason ingest rejects something for. Counters in /api/health, warn
// logs and tests use these strings, so they never change meaning (add new ones, never rename).
export const REJECT_REASONS = [
  'malformed-json',
  'schema',
  'unknown-sensor',
  'unknown-device',
  'unknown-metric',
  'not-finite',
  'bad-timestamp',
  'future-timestamp',
  'oversized',
  'too-many',
  'wrong-site',
  'unknown-site',
  'bad-topic',
  'bad-status',
  'auth',
  'store-error',
  'bad-state',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Streams a site publishes on (contract topics). */
export type Stream = 'telemetry' | 'events' | 'alarms' | 'status';
