// Public surface of @hallmon/server for the other workspaces (demo, benchmarks, tests): start a
// server and its options; the time-series stores; evidence packs, their seals and verification;
// the state backends (SQLite, PostgreSQL); and what an added route needs (auth, errors, context types). Commands are in ./commands.ts.
export { startServer, type StartOptions, type RunningServer } from './server.ts';
export { serverCommand, serverOptions, type ServerOptions } from './options.ts';
export type { ApiContext, ApiApp, ExtraRoutes } from './api/context.ts';
export { requireAuth } from './api/auth-hook.ts';
export { sendError } from './api/errors.ts';
export { QueryTime, queryTime } from './api/query-time.ts';
export { REJECT_REASONS, type RejectReason } from './ingest/reasons.ts';

export * from './store/index.ts';
export { openState, stateFlag, STATE_FLAG } from './state/index.ts';
export { MIGRATIONS, migrate } from './state/postgres/migrations.ts';
export type * from './state/state.ts';
export type * from './store/store.ts';

export { buildEvidence, MAX_PERIOD_DAYS, type EvidenceInput, type ReplayStats } from './evidence/compute.ts';
export {
  writePack,
  chainHeads,
  MANIFEST_FORMAT,
  type Manifest,
  type ManifestFile,
  type WritePackOptions,
} from './evidence/pack.ts';
export { siteSchedule, periodBound, periodDays, PeriodError, type DaySpan } from './evidence/period.ts';
export type * from './evidence/types.ts';
export { minuteCsv } from './evidence/to-csv.ts';
export { readFollowupOutcomes } from './followups/outcomes.ts';
export { FollowupDb } from './followups/db.ts';

export { SealStore, type SealRow } from './seal/seal-store.ts';
export { AuditLog, type AuditRecord } from './audit/audit-log.ts';
export { sealDays, firstDataDay, type SealOptions, type SealResult } from './seal/seal-days.ts';
export { verifyPack, readManifest, type DayCheck, type VerifyResult, type VerifyOptions } from './seal/verify.ts';
export { SigningKeys, verifySignature, dayLinkText, keyIdOf, type SiteKey } from './signing/keys.ts';
export {
  siteSeries,
  rawDigest,
  rollupDigest,
  recordsDigest,
  auditDigest,
  type AuditSource,
  dayDigests,
  dayDigestV1,
  chainLink,
  GENESIS,
  type DayDigest,
  type DayDigests,
} from './seal/digest.ts';
