// Every change to the site configuration, whoever makes it (the API, `hallmon config`, `hallmon
// credential`, the first start's seeding): checked with the same schema and site checks as a site
// file (firmware-config checkSite, plus the clause catalogue for limit profiles and rule overrides),
// stored as a new version (the state's ConfigState: config.db or the group's PostgreSQL) and written
// to the audit trail. A gateway credential in a site file moves to the credential store; stored
// versions never carry one. A change that writes more than one thing runs in one transaction.
import { randomBytes } from 'node:crypto';
import {
  canonicalJson,
  checkSite,
  ConfigError,
  hashSecret,
  ID_PATTERN,
  type ClauseCatalogue,
  type DeviceProfile,
  type SiteConfig,
} from '@hallmon/firmware-config';
import type { AuditState, ConfigState } from '../state/state.ts';
import type { NewAuditRecord } from '../audit/audit-log.ts';
import { describeChange } from './describe-change.ts';
import type { ConfigAction, Credential, SiteVersion } from './config-store.ts';

/** A refused change that is not about the config's content; `code` picks the HTTP status. */
export class EditorError extends Error {
  constructor(
    readonly code: 'exists' | 'unknown' | 'invalid' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'EditorError';
  }
}

export interface ChangeOptions {
  note?: string | null;
  /** The version the change was made from (optimistic concurrency). */
  expected?: number | null;
  /** Client address, for the audit trail. */
  ip?: string | null;
}

export interface NewCredential {
  site: string;
  /** A device of the site (an MQTT device on the edge's broker); absent: a gateway credential. */
  device?: string;
  /** Gateway credentials only; default `<site>-gw-<4 hex>`. Device credentials use the device id. */
  username?: string;
  note?: string;
  /** A secret chosen by the caller (the demo's documented one); default: 18 random bytes. */
  secret?: string;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/;

export class ConfigEditor {
  constructor(
    readonly store: ConfigState,
    private readonly audit: Pick<AuditState, 'record'>,
    private readonly profiles: ReadonlyMap<string, DeviceProfile>,
    private readonly catalogue: ClauseCatalogue,
  ) {}

  /** A site config checked in full; throws a ConfigError naming every problem (paths into the config). */
  check(value: unknown, where = 'site config'): SiteConfig {
    const { file: _file, ...site } = checkSite(value, where, this.profiles, this.catalogue);
    return site;
  }

  /** The content as stored: no gateway (credentials live in the store), no $schema. */
  private stored(site: SiteConfig): SiteConfig {
    const { gateway: _g, $schema: _s, ...rest } = site;
    return rest;
  }

  /** The same editor working inside a transaction of its store. */
  within(tx: ConfigState): ConfigEditor {
    return tx === this.store ? this : new ConfigEditor(tx, this.audit, this.profiles, this.catalogue);
  }

  /** The current live (not deleted) version of a site, or an EditorError 'unknown'. */
  async live(site: string): Promise<SiteVersion> {
    const cur = await this.store.current(site);
    if (!cur || cur.deleted)
      throw new EditorError('unknown', `unknown site "${site}"; GET /api/config/sites lists them`);
    return cur;
  }

  async create(value: unknown, actor: string, o: ChangeOptions = {}): Promise<SiteVersion> {
    const site = this.check(value);
    return this.store.transaction(async (tx) => {
      const e = this.within(tx);
      const cur = await tx.current(site.id);
      if (cur && !cur.deleted)
        throw new EditorError(
          'exists',
          `site "${site.id}" exists already; change it with PUT /api/config/sites/${site.id}`,
        );
      await e.importGateway(site, actor, o.ip ?? null);
      return e.commit(site, cur, 'create', actor, o);
    });
  }

  /** Replaces a site's config; an identical config makes no new version (the current one is answered). */
  async replace(
    id: string,
    value: unknown,
    actor: string,
    o: ChangeOptions = {},
    action: ConfigAction = 'update',
  ): Promise<SiteVersion> {
    const site = this.check(value);
    if (site.id !== id)
      throw new ConfigError([
        {
          file: 'site config',
          path: '/id',
          message: `is "${site.id}" but the change is for site "${id}"; to rename a site, create the new one and remove the old`,
        },
      ]);
    return this.store.transaction(async (tx) => {
      const e = this.within(tx);
      const cur = await e.live(id);
      if (o.expected !== undefined && o.expected !== null && o.expected !== cur.version)
        throw new EditorError(
          'conflict',
          `site "${id}" is at version ${cur.version} now, not ${o.expected}; reload it and make the change again`,
        );
      await e.importGateway(site, actor, o.ip ?? null);
      if (canonicalJson(this.stored(site)) === canonicalJson(cur.config)) return cur;
      return e.commit(site, cur, action, actor, o);
    });
  }

  /** Applies `change` to a copy of the current config and stores the result (zone and device edits). */
  async edit(
    id: string,
    change: (site: SiteConfig) => void,
    actor: string,
    o: ChangeOptions = {},
  ): Promise<SiteVersion> {
    const cur = await this.live(id);
    if (o.expected !== undefined && o.expected !== null && o.expected !== cur.version)
      throw new EditorError(
        'conflict',
        `site "${id}" is at version ${cur.version} now, not ${o.expected}; reload it and make the change again`,
      );
    const next = structuredClone(cur.config);
    change(next);
    return this.replace(id, next, actor, { ...o, expected: cur.version });
  }

  async remove(id: string, actor: string, o: ChangeOptions = {}): Promise<SiteVersion> {
    const cur = await this.live(id);
    if (o.expected !== undefined && o.expected !== null && o.expected !== cur.version)
      throw new EditorError('conflict', `site "${id}" is at version ${cur.version} now, not ${o.expected}`);
    const row = await this.store.commit({
      site: id,
      config: cur.config,
      actor,
      action: 'delete',
      note: o.note ?? null,
      summary: describeChange(cur.config, undefined),
      deleted: true,
      expected: cur.version,
    });
    this.record(row, actor, o.ip ?? null);
    return row;
  }

  /** A new version with the content of an earlier one (also brings back a removed site). */
  async rollback(id: string, version: number, actor: string, o: ChangeOptions = {}): Promise<SiteVersion> {
    const target = await this.store.version(id, version);
    if (!target)
      throw new EditorError(
        'unknown',
        `site "${id}" has no version ${version}; GET /api/config/sites/${id}/versions lists them`,
      );
    const cur = (await this.store.current(id))!;
    if (target.deleted)
      return cur.deleted
        ? cur
        : this.remove(id, actor, { ...o, note: o.note ?? `back to version ${version} (removed)` });
    // The old content is checked again: profiles or the catalogue may have changed since.
    const site = this.check(target.config, `site "${id}" version ${version}`);
    if (!cur.deleted && canonicalJson(site) === canonicalJson(cur.config)) return cur;
    return this.commit(site, cur, 'rollback', actor, { ...o, note: o.note ?? `back to version ${version}` });
  }

  /**
   * A site from a file or an import: created, or a new version when it differs from the current one
   * (null when it is the same). Its gateway credential, if any, goes to the credential store.
   */
  async import(
    value: unknown,
    where: string,
    actor: string,
    action: 'import' | 'seed',
    o: ChangeOptions = {},
  ): Promise<SiteVersion | null> {
    const site = this.check(value, where);
    return this.store.transaction(async (tx) => {
      const e = this.within(tx);
      const cur = await tx.current(site.id);
      await e.importGateway(site, actor, o.ip ?? null);
      if (cur && !cur.deleted && canonicalJson(this.stored(site)) === canonicalJson(cur.config)) return null;
      return e.commit(site, cur, action, actor, o);
    });
  }

  private async commit(
    site: SiteConfig,
    cur: SiteVersion | undefined,
    action: ConfigAction,
    actor: string,
    o: ChangeOptions,
  ): Promise<SiteVersion> {
    const config = this.stored(site);
    const row = await this.store.commit({
      site: site.id,
      config,
      actor,
      action,
      note: o.note ?? null,
      summary: describeChange(cur && !cur.deleted ? cur.config : undefined, config),
      expected: cur?.version ?? null,
    });
    this.record(row, actor, o.ip ?? null);
    return row;
  }

  /**
   * Appends to the audit trail without holding up the edit (nor its transaction): the SQLite trail
   * writes at once, a PostgreSQL one a moment later; a failed append is reported, never silent.
   */
  private trail(e: NewAuditRecord): void {
    this.audit
      .record(e)
      .catch((err: Error) => process.emitWarning(`could not write ${e.action} to the audit trail: ${err.message}`));
  }

  private record(row: SiteVersion, actor: string, ip: string | null): void {
    this.trail({
      actor,
      action: 'config-change',
      site: row.site,
      target: `v${row.version}`,
      ip,
      detail: {
        change: row.action,
        version: row.version,
        previous: row.previous,
        summary: row.summary,
        note: row.note,
      },
    });
  }

  /** The file's gateway credential into the store (new, or replacing the same username's hash). */
  private async importGateway(site: SiteConfig, actor: string, ip: string | null): Promise<void> {
    const gw = site.gateway;
    if (!gw) return;
    const same = (await this.store.credentials({ active: true })).filter(
      (c) => c.device === null && c.username === gw.username,
    );
    const other = same.find((c) => c.site !== site.id);
    if (other)
      throw new ConfigError([
        {
          file: 'site config',
          path: '/gateway/username',
          message: `"${gw.username}" is the gateway of site "${other.site}"`,
        },
      ]);
    if (same.some((c) => c.passwordHash === gw.passwordHash)) return;
    for (const c of same) await this.revoke(c.id, actor, ip, 'replaced by the site file');
    const c = await this.store.addCredential({
      id: newId(),
      site: site.id,
      device: null,
      username: gw.username,
      passwordHash: gw.passwordHash,
      createdAt: Date.now(),
      createdBy: actor,
      note: 'from a site file',
    });
    this.trail({
      actor,
      action: 'credential-create',
      site: site.id,
      target: c.username,
      ip,
      detail: { id: c.id, device: null, origin: 'site file' },
    });
  }

  /** A new credential: the secret is answered once and only its scrypt hash is kept. */
  async newCredential(
    n: NewCredential,
    actor: string,
    ip: string | null = null,
  ): Promise<{ credential: Credential; password: string }> {
    const cur = await this.live(n.site);
    if (n.device !== undefined) {
      const d = cur.config.zones.flatMap((z) => z.devices).find((x) => x.id === n.device);
      if (!d)
        throw new EditorError('invalid', `device/site "${n.site}" has no device "${n.device}"; add the device first`);
      if (this.profiles.get(d.profile)?.transport !== 'mqtt')
        throw new EditorError(
          'invalid',
          `device "${n.device}" is ${this.profiles.get(d.profile)?.transport ?? 'of an unknown profile'}: only MQTT devices connect with a credential`,
        );
      if (n.username !== undefined && n.username !== n.device)
        throw new EditorError(
          'invalid',
          `username: a device connects to the edge's broker with its device id ("${n.device}") as username`,
        );
    }
    const username = n.device ?? n.username ?? `${n.site}-gw-${randomBytes(2).toString('hex')}`;
    if (!USERNAME.test(username) || (n.device !== undefined && !new RegExp(ID_PATTERN).test(username)))
      throw new EditorError('invalid', `username "${username}" must be 1-64 of letters, digits and _ . : @ -`);
    if (
      n.device === undefined &&
      (await this.store.credentials({ active: true })).some((c) => c.device === null && c.username === username)
    )
      throw new EditorError(
        'exists',
        `gateway username "${username}" is in use; pick another or revoke that credential first`,
      );
    if (n.secret !== undefined && n.secret.length < 12)
      throw new EditorError('invalid', 'secret: at least 12 characters');
    const password = n.secret ?? randomBytes(18).toString('base64url');
    const credential = await this.store.addCredential({
      id: newId(),
      site: n.site,
      device: n.device ?? null,
      username,
      passwordHash: hashSecret(password),
      createdAt: Date.now(),
      createdBy: actor,
      note: n.note ?? null,
    });
    this.trail({
      actor,
      action: 'credential-create',
      site: n.site,
      target: username,
      ip,
      detail: { id: credential.id, device: credential.device, origin: 'generated' },
    });
    return { credential, password };
  }

  async revoke(id: string, actor: string, ip: string | null = null, note?: string): Promise<Credential> {
    const c = await this.store.credential(id);
    if (!c) throw new EditorError('unknown', `no credential "${id}"; GET /api/config/credentials lists them`);
    if (!(await this.store.revokeCredential(id, actor)))
      throw new EditorError('conflict', `credential "${id}" was revoked already`);
    this.trail({
      actor,
      action: 'credential-revoke',
      site: c.site,
      target: c.username,
      ip,
      detail: { id, device: c.device, note: note ?? null },
    });
    return (await this.store.credential(id))!;
  }
}

function newId(): string {
  return `cred-${randomBytes(5).toString('hex')}`;
}
