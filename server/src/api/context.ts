// What the HTTP routes need from the running server, passed in explicitly (no globals), so the
// API can be built around any store and tested on its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger, LoadedSite } from '@hallmon/firmware-config';
import type { HealthDetail } from '@hallmon/contract';
import type { Store, StoredAlarm } from '../store/store.ts';
import type { TokenSigner } from '../auth/tokens.ts';
import type { Authenticator, Principal } from '../auth/authenticator.ts';
import type { AuditState, UserState } from '../state/state.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import type { SiteIndex } from '../ingest/site-index.ts';
import type { EvidenceVisit, FollowupOutcome } from '../evidence/types.ts';
import type { LatestValues } from '../devices/latest-values.ts';
import type { EvidenceService } from '../evidence/service.ts';

export interface ApiContext {
  store: Store;
  sites: ReadonlyMap<string, LoadedSite>;
  siteIndex: ReadonlyMap<string, SiteIndex>;
  signer: TokenSigner;
  users: UserState;
  /** Token -> principal against the user store (auth-hook.ts, socket.io). */
  auth: Authenticator;
  /** Who did what: logins, acknowledgements, follow-ups, downloads, self-tests, user changes. */
  audit: AuditState;
  limiter: LoginLimiter;
  log: Logger;
  /** Everything /api/health reports beyond status and version (it checks the store: async). */
  health(): Promise<HealthDetail>;
  /** Called after an alarm changed through the API (an ack), so live views update. */
  alarmChanged?(alarm: StoredAlarm): void;
  /** More route plugins (e.g. GET /api/evidence), registered after the built-in ones. */
  extraRoutes?: ExtraRoutes[];
  /** Newest readings and device status in memory, fed by ingest (GET /api/latest, /api/devices). */
  latest?: LatestValues;
  /** What people recorded for a site's bad ratings (evidence judges 10.1.3 with it). */
  followupOutcomes?(site: string): Promise<FollowupOutcome[]>;
  /** The site's machine-room entry register (evidence judges door openings with it). */
  visits?(site: string): Promise<EvidenceVisit[]> | EvidenceVisit[];
  /** Builds packs one at a time and keeps scorecards for a while (evidence, scorecard, district, reports). */
  evidence?: EvidenceService;
  /** Folder with the built dashboard (index.html), when present. */
  dashboardDir?: string;
}

/** A plugin adding routes; use requireAuth from api/auth-hook.ts and sendError from api/errors.ts. */
export type ExtraRoutes = (app: ApiApp, ctx: ApiContext) => Promise<void>;

/** The fastify instance the API is built on (plain types; HTTPS is cast to them in app.ts). */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: set by requireAuth (auth-hook.ts). */
    principal: Principal | null;
  }
}
