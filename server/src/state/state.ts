// The server's state beside the time series, one interface per kind, each with two drivers: the
// SQLite files of one data dir (embedded default, one server) and one PostgreSQL database
// (`--state postgres://…`, several servers; state/postgres/). Every method is async so that callers
// do not care which driver they have; tests/server/state-suite.ts calls every method on both.
// Where the SQLite driver is a class of its own module (auth/users.ts, audit/audit-log.ts,
// seal/seal-store.ts, followups/db.ts, notify/delivery-log.ts) the types it speaks are defined there.
import type { SiteScope } from '@hallmon/contract';
import type { StateStore } from '@hallmon/rules';
import type { AccountChange, LoginRefusal, NewAccount, UserAccount } from '../auth/users.ts';
import type { AuditQuery, AuditRecord, NewAuditRecord } from '../audit/audit-log.ts';
import type { SealRow } from '../seal/seal-store.ts';
import type { AlarmStage, CallbackRow, FollowupRow, NewFollowup } from '../followups/db.ts';
import type { Attempt, DeliveryRow } from '../notify/delivery-log.ts';
import type { NewVisit, VisitRow } from '../visits/db.ts';
import type { SelftestRecord, SelftestTrigger } from '../selftest.ts';
import type { Store } from '../store/store.ts';
import type { Credential, NewVersion, SiteVersion, StoredEdgeState } from '../config/config-store.ts';

export type { SiteScope };

/** People who sign in (auth/users.ts holds the account rules, shared by both drivers). */
export interface UserState {
  /** Makes sure an admin exists; answers the generated password when one had to be made. */
  ensureAdmin(envPassword: string | undefined): Promise<{ created: boolean; generated?: string }>;
  create(a: NewAccount, now?: number): Promise<UserAccount>;
  /** Applies a change; a new password or disabling ends the account's tokens. */
  update(username: string, c: AccountChange, now?: number): Promise<UserAccount>;
  remove(username: string): Promise<void>;
  list(): Promise<UserAccount[]>;
  get(username: string): Promise<UserAccount | undefined>;
  /** The account when the password is right (with `refused` when it may not sign in now). */
  verify(
    username: string,
    password: string,
    now?: number,
  ): Promise<{ user: UserAccount; refused?: LoginRefusal } | undefined>;
  recordLogin(username: string, now?: number): Promise<void>;
  /** Ends one token until its own expiry. */
  revoke(jti: string, expMs: number, now?: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
}

/** The append-only audit trail (never changed nor pruned: day seals hash it). */
export interface AuditState {
  record(e: NewAuditRecord): Promise<AuditRecord>;
  list(q?: AuditQuery): Promise<AuditRecord[]>;
  /** A site's and the server-wide entries with ts in [start, end), in id order, never limited. */
  forSeal(site: string, start: number, end: number): Promise<AuditRecord[]>;
}

export type NewSeal = Omit<
  SealRow,
  | 'lateDigest'
  | 'lateAt'
  | 'lateRollupDigest'
  | 'lateRecordsDigest'
  | 'lateAuditDigest'
  | 'rollupDigest'
  | 'recordsDigest'
  | 'records'
  | 'auditDigest'
  | 'auditEntries'
> &
  Partial<Pick<SealRow, 'rollupDigest' | 'recordsDigest' | 'records' | 'auditDigest' | 'auditEntries'>>;

export interface LateDigests {
  digest: string;
  rollupDigest?: string | null;
  recordsDigest?: string | null;
  auditDigest?: string | null;
}

/** The day seals (seal/seal-days.ts); insert-only, the first sealed value of a day wins. */
export interface SealState {
  /** The audit trail the seals cover (format 4): the same backend's. */
  readonly audit: AuditState;
  get(site: string, day: string): Promise<SealRow | undefined>;
  last(site: string): Promise<SealRow | undefined>;
  first(site: string): Promise<SealRow | undefined>;
  range(site: string, fromDay: string, toDay: string): Promise<SealRow[]>;
  /** Inserts a seal unless the day has one; answers whether it went in. */
  insert(s: NewSeal): Promise<boolean>;
  /** Records a differing recomputation beside the seal (the seal itself stays). */
  noteLate(site: string, day: string, late: LateDigests, at: number): Promise<void>;
}

/** Bad-rating follow-ups (10.1.3), their callbacks (回访) and their overdue alarms. */
export interface FollowupState {
  /** Inserts unless the id exists (a redelivered rating); answers whether it was new. */
  insert(f: NewFollowup): Promise<boolean>;
  /** A follow-up with its callbacks. */
  get(id: string): Promise<FollowupRow | undefined>;
  /** A site's follow-ups, newest first: the newest 5000, or every one with `all` (evidence). */
  list(site: string, openOnly: boolean, all?: boolean): Promise<FollowupRow[]>;
  /** Records a callback; false when the same person already recorded one at that instant. */
  addCallback(id: string, c: CallbackRow): Promise<boolean>;
  /** Follow-ups that may still raise or clear an alarm, of these sites (undefined: every site). */
  active(sites?: readonly string[]): Promise<FollowupRow[]>;
  respond(id: string, at: number, by: string): Promise<void>;
  markComplex(id: string, at: number, by: string): Promise<void>;
  resolve(id: string, at: number, by: string): Promise<void>;
  setNote(id: string, note: string): Promise<void>;
  alarmRaised(id: string, stage: AlarmStage, at: number): Promise<void>;
  alarmCleared(id: string, stage: AlarmStage, at: number): Promise<void>;
}

/**
 * The machine-room entry register (机房登记, clause 5.2.2): visits written through any server, read
 * by the entry register's check of door openings (on the site's owner) and by evidence packs.
 * Entries are never deleted; a leaving is recorded once.
 */
export interface VisitState {
  add(v: NewVisit): Promise<VisitRow>;
  get(id: string): Promise<VisitRow | undefined>;
  /** Records the leaving; false when it was already recorded. */
  out(id: string, at: number, by: string): Promise<boolean>;
  /**
   * A site's visits that overlap [from, to): came in before `to`, and had not left before `from`
   * (still inside counts). Newest first (then by id); at most `limit` (default 5000).
   */
  list(site: string, from: number, to: number, opts?: { insideOnly?: boolean; limit?: number }): Promise<VisitRow[]>;
}

export interface NewDelivery {
  alarmId: string;
  site: string;
  routeId: string;
  url: string;
  event: string;
  reminder: number;
  /** The route's escalation level (default 1). */
  level?: number;
  at: number;
}

/** The notification delivery log and the self-test records. */
export interface DeliveryState {
  /** Whether a notice of this kind was already started for the alarm, at any level or at `level`. */
  has(alarmId: string, event: string, reminder?: number, level?: number): Promise<boolean>;
  /** The route levels that heard of the alarm (a raised or escalated notice started for them). */
  heard(alarmId: string): Promise<Array<{ routeId: string; level: number }>>;
  /** When the alarm's first raise notice was started (escalation counts from there), if it was. */
  firstNotice(alarmId: string): Promise<number | undefined>;
  /**
   * Whether this route's level (default 1) already has this notice delivered (a notice taken over
   * from a dead server).
   */
  delivered(alarmId: string, routeId: string, event: string, reminder: number, level?: number): Promise<boolean>;
  /** The highest reminder number sent for the alarm and when (0 / null: none). */
  lastReminder(alarmId: string): Promise<{ reminder: number; at: number | null }>;
  begin(r: NewDelivery): Promise<number>;
  attempt(id: number, a: Attempt, final: 'delivered' | 'failed' | 'pending'): Promise<void>;
  forAlarm(alarmId: string): Promise<DeliveryRow[]>;
  forSite(site: string, from: number, to: number): Promise<DeliveryRow[]>;
  saveSelftest(r: SelftestRecord): Promise<void>;
  listSelftests(site: string, limit?: number): Promise<SelftestRecord[]>;
  lastSelftestStart(site: string, trigger: SelftestTrigger): Promise<number | null>;
}

/** Alarms and their lifecycle (raise, clear, acknowledgement): the Store's alarm methods. */
export type AlarmState = Pick<Store, 'writeAlarms' | 'readAlarms' | 'getAlarm' | 'ackAlarm'>;

export type NoticeEvent = 'raised' | 'cleared';

/**
 * Who sends an alarm's raise or clear notice. With one server the delivery log answers (a notice
 * already begun is not sent again); with several, a notice is a row that one server claims at a time
 * and marks done once every route has its outcome, and a claim of a server that stopped
 * heart-beating passes to the next that asks, so a notice is sent once and never lost.
 */
export interface NoticeState {
  /** True when this server is to send the notice now. */
  claim(alarmId: string, event: NoticeEvent): Promise<boolean>;
  /** Every route has its outcome (delivered or given up). */
  done(alarmId: string, event: NoticeEvent): Promise<void>;
  /** Notices of these sites nobody is sending: never claimed for `graceMs`, or claimed by a dead server. */
  orphans(sites: readonly string[], graceMs: number): Promise<{ alarmId: string; event: NoticeEvent }[]>;
}

/**
 * Which server does each site's duties (server-side rules, notifications' reminders, follow-up
 * alarms, scheduled self-tests, seals; `*` for server-wide ones such as raw-data pruning). One
 * server alone owns every site; several share them through leases (state/postgres/leases.ts).
 */
export interface DutyLeases {
  /** This server's id (a row of the members table with PostgreSQL; 'local' alone). */
  readonly me: string;
  owns(site: string): boolean;
  /** The sites (and `*`) this server owns now. */
  owned(): string[];
  /** The sites there are now (a site added or removed in the configuration); `*` included. */
  setSites(sites: readonly string[]): void;
  /** Called with the sites gained and lost after each renewal round. */
  onChange(fn: (gained: string[], lost: string[]) => void): void;
  /** Servers of the group whose heartbeat ran out and that nobody has cleaned up after yet. */
  dead(): Promise<string[]>;
  /**
   * Servers whose heartbeat has run out at all (stalled or stopped) and that nobody has cleaned up
   * after yet: what the broker held for them may not be stored yet.
   */
  lapsed(): Promise<string[]>;
  /** A dead server is cleaned up after (its broker session taken over): forget it. */
  forget(member: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The site configuration (issue 15): every site's versions with who, when and the version replaced,
 * MQTT credentials (revoked, never deleted), the edges' reports of what they run, and the hashes of
 * imported site files. SQLite: config.db in the data dir (config/config-store.ts, shared with the
 * `hallmon config` and `hallmon credential` processes); PostgreSQL: the group's tables
 * (state/postgres/config.ts), so a change made through one server reaches every server.
 */
export interface ConfigState {
  /** config.db's path, or the database URL without its password: for messages. */
  readonly where: string;
  /**
   * A number that changes whenever someone else (another process or server) changed the
   * configuration: cheap, polled every second to apply their changes.
   */
  changeMark(): Promise<number>;
  isEmpty(): Promise<boolean>;
  /** The newest version of every site, deleted ones included, by site id (in site order). */
  latest(): Promise<Map<string, SiteVersion>>;
  /** The newest version of one site (deleted or not), or undefined when it never existed. */
  current(site: string): Promise<SiteVersion | undefined>;
  version(site: string, version: number): Promise<SiteVersion | undefined>;
  /** Every version of a site, oldest first. */
  history(site: string): Promise<SiteVersion[]>;
  /** Appends the site's next version, checking `expected` against the current one (VersionConflict). */
  commit(v: NewVersion): Promise<SiteVersion>;
  /** Credentials, newest first; `site` limits to one site, `active` leaves out revoked ones. */
  credentials(q?: { site?: string; active?: boolean }): Promise<Credential[]>;
  credential(id: string): Promise<Credential | undefined>;
  /** Throws when an active gateway credential has the same username. */
  addCredential(c: Omit<Credential, 'revokedAt' | 'revokedBy'>): Promise<Credential>;
  /** Marks it revoked; false when it does not exist or already was. */
  revokeCredential(id: string, by: string, at?: number): Promise<boolean>;
  setEdgeState(s: StoredEdgeState): Promise<void>;
  edgeStates(): Promise<Map<string, StoredEdgeState>>;
  /** The SHA-256 of a file's content when it was last imported (config-seed.ts). */
  importedHash(file: string): Promise<string | undefined>;
  markImported(file: string, sha256: string, at?: number): Promise<void>;
  /**
   * Runs `fn` in one write transaction, all or nothing, one at a time among every writer of the
   * configuration: `fn` works on `tx` (a transaction inside it joins it).
   */
  transaction<T>(fn: (tx: ConfigState) => Promise<T>): Promise<T>;
}

export interface StateBackend {
  readonly kind: 'sqlite' | 'postgres';
  /** The data dir, or the database URL without its password: for logs and /api/health. */
  readonly where: string;
  readonly users: UserState;
  readonly audit: AuditState;
  readonly seals: SealState;
  readonly followups: FollowupState;
  readonly deliveries: DeliveryState;
  readonly notices: NoticeState;
  /** The site configuration and MQTT credentials. */
  readonly config: ConfigState;
  readonly visits: VisitState;
  /**
   * The store the server works with: the time-series store itself when alarms live there (SQLite
   * state), or the same store with its alarm methods answered by this backend (PostgreSQL).
   */
  alarms(store: Store): Store;
  /** The rules runtime's snapshot of a site, loaded and ready to use. */
  ruleState(site: string): Promise<StateStore>;
  /** The HMAC secret of API tokens: shared by every server of a group, so a token works on each. */
  tokenSecret(): Promise<Buffer>;
  /**
   * Throws when the backend cannot answer now (PostgreSQL unreachable): /api/health names the state
   * as failing. SQLite files of the data dir always answer.
   */
  check(): Promise<void>;
  /** Duty leases among the servers sharing this state. */
  leases(opts: { ttlMs?: number; sites: readonly string[] }): DutyLeases;
  close(): Promise<void>;
}
