// One test suite for every state backend (SQLite files, PostgreSQL): the same calls and the same
// answers, so a caller never cares which one it has. Every method of every state interface is called
// (a recording proxy checks it at the end, so a method added to an interface and not tested here
// fails), the rules shared by both drivers are checked on each (last admin, an assessor's expiry,
// insert-only seals, a redelivered rating, one claim per notice).
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { StateBackend } from '@hallmon/server';
import type { Store } from '@hallmon/server';
import { loadProfiles, loadSites, type SiteConfig } from '@hallmon/firmware-config';
import { VersionConflict, type StoredEdgeState } from '../../server/src/config/config-store.ts';
import { DEMO_SITE_FILE } from '../helpers/server-process.ts';

/** Wraps an object so that the names of the methods called on it are recorded. */
function recorded<T extends object>(target: T, calls: Set<string>): T {
  return new Proxy(target, {
    get(t, prop) {
      const v: unknown = Reflect.get(t, prop, t);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.add(String(prop));
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

/** Every method of each state interface (what the recording proxies must have seen). */
const METHODS = {
  users: ['ensureAdmin', 'create', 'update', 'remove', 'list', 'get', 'verify', 'recordLogin', 'revoke', 'isRevoked'],
  audit: ['record', 'list', 'forSeal'],
  seals: ['get', 'last', 'first', 'range', 'insert', 'noteLate'],
  followups: [
    'insert',
    'get',
    'list',
    'addCallback',
    'active',
    'respond',
    'markComplex',
    'resolve',
    'setNote',
    'alarmRaised',
    'alarmCleared',
  ],
  deliveries: [
    'has',
    'heard',
    'firstNotice',
    'delivered',
    'lastReminder',
    'begin',
    'attempt',
    'forAlarm',
    'forSite',
    'saveSelftest',
    'listSelftests',
    'lastSelftestStart',
  ],
  notices: ['claim', 'done', 'orphans'],
  config: [
    'changeMark',
    'isEmpty',
    'latest',
    'current',
    'version',
    'history',
    'commit',
    'credentials',
    'credential',
    'addCredential',
    'revokeCredential',
    'setEdgeState',
    'edgeStates',
    'importedHash',
    'markImported',
    'transaction',
  ],
  visits: ['add', 'get', 'out', 'list'],
} as const;

export interface StateFixture {
  open(): Promise<StateBackend>;
  /** The time-series store the backend's alarms are kept beside (SQLite state keeps them there). */
  store(): Promise<Store>;
  /** A second backend on the same state (another server of a group), when the driver has one. */
  peer?(): Promise<StateBackend>;
  close(): Promise<void>;
}

export function stateSuite(name: string, fixture: StateFixture): void {
  describe(`state backend: ${name}`, () => {
    let state: StateBackend;
    let store: Store;
    const calls = Object.fromEntries(Object.keys(METHODS).map((k) => [k, new Set<string>()])) as Record<
      keyof typeof METHODS,
      Set<string>
    >;
    let users: StateBackend['users'];
    let audit: StateBackend['audit'];
    let seals: StateBackend['seals'];
    let followups: StateBackend['followups'];
    let deliveries: StateBackend['deliveries'];
    let notices: StateBackend['notices'];
    let config: StateBackend['config'];
    let visits: StateBackend['visits'];

    beforeAll(async () => {
      state = await fixture.open();
      store = state.alarms(await fixture.store());
      users = recorded(state.users, calls.users);
      audit = recorded(state.audit, calls.audit);
      seals = recorded(state.seals, calls.seals);
      followups = recorded(state.followups, calls.followups);
      deliveries = recorded(state.deliveries, calls.deliveries);
      notices = recorded(state.notices, calls.notices);
      config = recorded(state.config, calls.config);
      visits = recorded(state.visits, calls.visits);
    });
    afterAll(async () => {
      await state?.close();
      await fixture.close();
    });

    test('accounts: first admin, the account rules, logins, token versions and revocations', async () => {
      const first = await users.ensureAdmin(undefined);
      assert.equal(first.created, true);
      assert.match(first.generated ?? '', /^.{10,}$/);
      assert.deepEqual(await users.ensureAdmin('another-password'), { created: false });
      const zhang = await users.create({
        username: 'zhang',
        password: 'zhang-password',
        role: 'hall',
        sites: ['demo'],
      });
      assert.deepEqual(zhang.sites, ['demo']);
      await assert.rejects(
        users.create({ username: 'zhang', password: 'zhang-password', role: 'hall', sites: ['demo'] }),
        /exists already/,
      );
      await assert.rejects(
        users.create({ username: 'pg', password: 'pg-password-1', role: 'assessor', sites: '*' }),
        /needs an expiry/,
      );
      const changed = await users.update('zhang', { password: 'zhang-password-2', name: '张经理' });
      assert.equal(changed.tokenVersion, zhang.tokenVersion + 1, 'a new password ends the tokens');
      assert.equal(changed.name, '张经理');
      assert.equal(await users.verify('zhang', 'zhang-password'), undefined);
      const ok = await users.verify('zhang', 'zhang-password-2');
      assert.equal(ok?.user.username, 'zhang');
      assert.equal(ok?.refused, undefined);
      await users.update('zhang', { disabled: true });
      assert.equal((await users.verify('zhang', 'zhang-password-2'))?.refused, 'disabled');
      await users.recordLogin('zhang', 1_750_000_000_000);
      assert.equal((await users.get('zhang'))?.lastLoginAt, 1_750_000_000_000);
      await assert.rejects(users.update('admin', { role: 'hall' }), /last enabled admin/);
      await assert.rejects(users.remove('admin'), /last enabled admin/);
      await users.remove('zhang');
      assert.equal(await users.get('zhang'), undefined);
      assert.deepEqual(
        (await users.list()).map((u) => u.username),
        ['admin'],
      );
      assert.equal(await users.isRevoked('jti-1'), false);
      await users.revoke('jti-1', Date.now() + 60_000);
      await users.revoke('jti-old', Date.now() - 60_000);
      assert.equal(await users.isRevoked('jti-1'), true);
      await users.revoke('jti-2', Date.now() + 60_000);
      assert.equal(await users.isRevoked('jti-old'), false, 'expired revocations are swept');
    });

    test('audit trail: appended in order, listed by site and actor, sealed per site and day', async () => {
      const a = await audit.record({ actor: 'admin', action: 'login', ip: '127.0.0.1', ts: 1000 });
      const b = await audit.record({ actor: 'li', action: 'alarm-ack', site: 'demo', target: 'x', ts: 2000 });
      await audit.record({
        actor: 'li',
        action: 'alarm-ack',
        site: 'other',
        ts: 3000,
        ok: false,
        detail: { note: 'n' },
      });
      assert.ok(b.id > a.id);
      assert.deepEqual(
        (await audit.list({ from: 0, to: 10_000 })).map((e) => e.ts),
        [1000, 2000, 3000],
      );
      assert.deepEqual(
        (await audit.list({ sites: ['demo'], global: false })).map((e) => e.site),
        ['demo'],
      );
      assert.deepEqual(
        (await audit.list({ sites: ['demo'], global: true, orActor: 'li' })).map((e) => e.ts),
        [1000, 2000, 3000],
      );
      assert.deepEqual(
        (await audit.list({ actor: 'li', limit: 1 })).map((e) => e.ts),
        [3000],
        'the newest when limited',
      );
      const sealed = await audit.forSeal('demo', 0, 10_000);
      assert.deepEqual(
        sealed.map((e) => [e.site, e.detailText]),
        [
          [null, '{}'],
          ['demo', '{}'],
        ],
      );
      assert.equal((await audit.list({ sites: ['other'], global: false }))[0]?.detail.note, 'n');
    });

    test('seals: insert-only, first value wins, late digests beside it', async () => {
      const base = { site: 'demo', digest: 'd', chain: 'c', readings: 10, alarms: 1, sealedAt: 5 };
      assert.equal(await seals.insert({ ...base, day: '2025-05-06', rollupDigest: 'r', auditDigest: 'a' }), true);
      assert.equal(await seals.insert({ ...base, day: '2025-05-06', digest: 'other' }), false);
      assert.equal(await seals.insert({ ...base, day: '2025-05-07', chain: 'c2' }), true);
      assert.equal((await seals.get('demo', '2025-05-06'))?.digest, 'd');
      assert.equal((await seals.get('demo', '2025-05-06'))?.auditDigest, 'a');
      assert.equal((await seals.first('demo'))?.day, '2025-05-06');
      assert.equal((await seals.last('demo'))?.chain, 'c2');
      assert.deepEqual(
        (await seals.range('demo', '2025-05-01', '2025-05-06')).map((s) => s.day),
        ['2025-05-06'],
      );
      await seals.noteLate('demo', '2025-05-06', { digest: 'late', auditDigest: 'late-a' }, 9);
      const late = await seals.get('demo', '2025-05-06');
      assert.deepEqual(
        [late?.digest, late?.lateDigest, late?.lateAuditDigest, late?.lateAt],
        ['d', 'late', 'late-a', 9],
      );
      assert.equal(await seals.get('other', '2025-05-06'), undefined);
      assert.ok(seals.audit, 'the seals read the same backend audit trail');
    });

    test('follow-ups: a redelivered rating is one, steps are kept once, alarms marked', async () => {
      const f = {
        id: 'demo:eval-w01:2025-05-06T01:00:00.000Z',
        site: 'demo',
        device: 'eval-w01',
        window: 'W01',
        ticket: 'A017',
        score: 1,
        ratedAt: 1000,
        responseDue: 2000,
        simpleDue: 3000,
        complexDue: 4000,
      };
      assert.equal(await followups.insert(f), true);
      assert.equal(await followups.insert(f), false);
      await followups.insert({ ...f, id: 'other:x', site: 'other', ticket: null });
      assert.deepEqual(
        (await followups.active(['demo'])).map((r) => r.id),
        [f.id],
      );
      assert.equal((await followups.active()).length, 2);
      await followups.alarmRaised(f.id, 'response', 2500);
      await followups.respond(f.id, 2600, 'li');
      await followups.respond(f.id, 2700, 'wang');
      await followups.markComplex(f.id, 2800, 'li');
      await followups.setNote(f.id, 'called back');
      await followups.alarmCleared(f.id, 'response', 2600);
      await followups.resolve(f.id, 2900, 'li');
      const r = await followups.get(f.id);
      assert.deepEqual(
        [r?.respondedBy, r?.complex, r?.note, r?.resolvedAt, r?.alarms.response],
        ['li', true, 'called back', 2900, { raisedAt: 2500, clearedAt: 2600 }],
      );
      assert.equal((await followups.list('demo', true)).length, 0);
      assert.equal((await followups.list('demo', false)).length, 1);
      assert.deepEqual(await followups.active(['demo']), []);
      assert.deepEqual(
        [r?.ticket, (await followups.get('other:x'))?.ticket],
        ['A017', null],
        'the served ticket of a real-name rating is kept',
      );
    });

    test('follow-up callbacks (回访): kept with their follow-up in time order, once per person and instant', async () => {
      const f = {
        id: 'demo:eval-w02:2025-05-07T02:00:00.000Z',
        site: 'demo',
        device: 'eval-w02',
        window: 'W02',
        ticket: null,
        score: 2,
        ratedAt: 10_000,
        responseDue: 20_000,
        simpleDue: 30_000,
        complexDue: 40_000,
      };
      await followups.insert(f);
      assert.deepEqual((await followups.get(f.id))?.callbacks, [], 'none before the first call');
      const reached = {
        at: 35_000,
        by: 'li',
        outcome: 'reached' as const,
        satisfied: false,
        note: '仍不满意',
        recordedAt: 36_000,
      };
      const missed = {
        at: 31_000,
        by: 'li',
        outcome: 'no-answer' as const,
        satisfied: null,
        note: null,
        recordedAt: 31_500,
      };
      assert.equal(await followups.addCallback(f.id, reached), true);
      assert.equal(await followups.addCallback(f.id, missed), true);
      assert.equal(
        await followups.addCallback(f.id, { ...reached, satisfied: true, recordedAt: 37_000 }),
        false,
        'the same person at the same instant is one call',
      );
      const satisfied = { ...reached, at: 38_000, by: 'wang', satisfied: true, note: null, recordedAt: 38_000 };
      assert.equal(await followups.addCallback(f.id, satisfied), true);
      await followups.resolve(f.id, 32_000, 'li');
      const want = [missed, reached, satisfied];
      assert.deepEqual((await followups.get(f.id))?.callbacks, want);
      const listed = await followups.list('demo', false);
      assert.deepEqual(
        listed.map((x) => [x.id, x.callbacks.length]),
        [
          [f.id, 3],
          ['demo:eval-w01:2025-05-06T01:00:00.000Z', 0],
        ],
        'each follow-up with its own callbacks, newest rating first',
      );
      assert.deepEqual(listed[0]?.callbacks, want);
      // More than the 5000 a page lists: `all` gives every one (the evidence reads a whole year).
      for (let i = 0; i <= 5000; i++)
        await followups.insert({ ...f, id: `bulk:${i}`, site: 'bulk', ratedAt: 100_000 + i });
      await followups.addCallback('bulk:0', { ...missed, at: 100_500 });
      assert.equal((await followups.list('bulk', false)).length, 5000);
      const all = await followups.list('bulk', false, true);
      assert.equal(all.length, 5001);
      assert.deepEqual(all.at(-1)?.callbacks, [{ ...missed, at: 100_500 }], 'the oldest has its callback');
      // Active follow-ups carry their callbacks too (the tracker judges them).
      await followups.insert({ ...f, id: 'demo:open', ratedAt: 50_000 });
      await followups.addCallback('demo:open', missed);
      assert.deepEqual(
        (await followups.active(['demo'])).map((x) => [x.id, x.callbacks.length]),
        [['demo:open', 1]],
      );
    });

    test('deliveries and self-tests: attempts kept in order, reminders counted', async () => {
      const row = {
        alarmId: 'A1',
        site: 'demo',
        routeId: 'wecom',
        url: 'https://x/hook',
        event: 'raised',
        reminder: 0,
      };
      assert.equal(await deliveries.has('A1', 'raised'), false);
      assert.equal(await deliveries.firstNotice('A1'), undefined);
      const id = await deliveries.begin({ ...row, at: 100 });
      assert.equal(await deliveries.has('A1', 'raised'), true);
      assert.equal(await deliveries.firstNotice('A1'), 100);
      assert.equal(await deliveries.delivered('A1', 'wecom', 'raised', 0), false);
      await deliveries.attempt(id, { at: 101, ok: false, status: 500 }, 'pending');
      await deliveries.attempt(id, { at: 102, ok: true, status: 200 }, 'delivered');
      assert.equal(await deliveries.delivered('A1', 'wecom', 'raised', 0), true);
      const [d] = await deliveries.forAlarm('A1');
      assert.deepEqual(
        [d?.status, d?.deliveredAt, d?.attempts.map((a) => a.at), d?.level],
        ['delivered', 102, [101, 102], 1],
        'a notice without a level is at level 1',
      );
      assert.deepEqual(await deliveries.lastReminder('A1'), { reminder: 0, at: null });
      await deliveries.begin({ ...row, event: 'reminder', reminder: 1, at: 200 });
      await deliveries.begin({ ...row, event: 'reminder', reminder: 2, at: 300 });
      assert.deepEqual(await deliveries.lastReminder('A1'), { reminder: 2, at: 300 });
      assert.equal((await deliveries.forSite('demo', 0, 250)).length, 2);

      // Escalation levels: each level's notice is its own row; reminders and clears are not "heard".
      const lv = { ...row, alarmId: 'A2' };
      await deliveries.begin({ ...lv, level: 1, at: 1000 });
      await deliveries.begin({ ...lv, routeId: 'mail', url: 'mailto:a@x.cn', level: 1, at: 1000 });
      const l2 = await deliveries.begin({ ...lv, event: 'escalated', level: 2, at: 2200 });
      await deliveries.begin({ ...lv, event: 'reminder', reminder: 1, level: 2, at: 2500 });
      await deliveries.begin({ ...lv, event: 'cleared', level: 3, at: 2600 });
      assert.equal(await deliveries.firstNotice('A2'), 1000);
      assert.deepEqual(await deliveries.heard('A2'), [
        { routeId: 'mail', level: 1 },
        { routeId: 'wecom', level: 1 },
        { routeId: 'wecom', level: 2 },
      ]);
      assert.equal(await deliveries.has('A2', 'escalated', 0, 2), true);
      assert.equal(await deliveries.has('A2', 'escalated', 0, 3), false);
      assert.equal(await deliveries.has('A2', 'escalated'), true, 'at any level');
      assert.equal(await deliveries.has('A2', 'raised', 0, 2), false);
      await deliveries.attempt(l2, { at: 2201, ok: true, status: 200 }, 'delivered');
      assert.equal(await deliveries.delivered('A2', 'wecom', 'escalated', 0, 2), true);
      assert.equal(await deliveries.delivered('A2', 'wecom', 'escalated', 0, 3), false);
      assert.equal(await deliveries.delivered('A2', 'wecom', 'escalated', 0), false, 'level 1 by default');
      assert.deepEqual(
        (await deliveries.forAlarm('A2')).map((x) => `${x.routeId}/${x.event}/${x.level}`),
        ['wecom/raised/1', 'mail/raised/1', 'wecom/escalated/2', 'wecom/reminder/2', 'wecom/cleared/3'],
      );
      const t = {
        id: 'demo:1',
        site: 'demo',
        trigger: 'api' as const,
        user: 'admin',
        alarmId: 'demo:selftest:selftest:1',
        startedAt: new Date(1000).toISOString(),
        raisedAt: null,
        clearedAt: null,
        finishedAt: new Date(2000).toISOString(),
        ok: true,
        routes: [],
        deliveries: [],
        failures: [],
      };
      await deliveries.saveSelftest(t);
      await deliveries.saveSelftest({ ...t, ok: false });
      await deliveries.saveSelftest({
        ...t,
        id: 'demo:2',
        trigger: 'schedule',
        startedAt: new Date(5000).toISOString(),
      });
      assert.deepEqual(
        (await deliveries.listSelftests('demo')).map((r) => [r.id, r.ok]),
        [
          ['demo:2', true],
          ['demo:1', false],
        ],
      );
      assert.equal(await deliveries.lastSelftestStart('demo', 'schedule'), 5000);
      assert.equal(await deliveries.lastSelftestStart('demo', 'cli'), null);
    });

    test('alarms: upsert rules, acknowledgement, notices claimed once', async () => {
      const raise = {
        id: 'demo:5.2.2:mr-hot:mr-th-1:1',
        site: 'demo',
        clause: '5.2.2',
        rule: 'mr-hot',
        sensor: 'mr-th-1',
        severity: 'critical' as const,
        state: 'raised' as const,
        ts: 1000,
        startedAt: 1000,
        peak: 33,
      };
      await store.writeAlarms([raise]);
      await store.writeAlarms([{ ...raise, state: 'cleared', ts: 2000, clearedAt: 2000 }]);
      await store.writeAlarms([raise]); // a redelivered raise after the clear
      const a = await store.getAlarm(raise.id);
      assert.deepEqual([a?.state, a?.clearedAt, a?.peak], ['cleared', 2000, 33]);
      assert.equal((await store.readAlarms({ site: 'demo', state: 'active' })).length, 0);
      assert.equal((await store.readAlarms({ site: 'demo', from: 1500, to: 3000 })).length, 1);
      assert.equal((await store.ackAlarm(raise.id, 'li', 'seen', 2500))?.ackedBy, 'li');
      assert.equal(await store.ackAlarm('nope', 'li', '', 1), undefined);
      assert.equal(await notices.claim(raise.id, 'raised'), true);
      assert.equal(await notices.claim(raise.id, 'raised'), state.kind === 'sqlite', 'SQLite: nothing begun yet');
      await notices.done(raise.id, 'raised');
      assert.deepEqual(
        await notices.orphans(['demo'], -60_000),
        state.kind === 'postgres' ? [{ alarmId: raise.id, event: 'cleared' }] : [],
      );
    });

    test('configuration: versions with who and previous, conflicts, credentials, edge states, file imports, transactions', async () => {
      const { file: _file, ...demo } = loadSites([DEMO_SITE_FILE], loadProfiles()).get('demo')!;
      const site = (id: string, name: string): SiteConfig => ({ ...structuredClone(demo), id, name });
      assert.equal(await config.isEmpty(), true);
      assert.deepEqual([...(await config.latest()).keys()], []);
      const v1 = await config.commit({
        site: 'cfg-b',
        config: site('cfg-b', '乙'),
        actor: 'system',
        action: 'seed',
        summary: 'new site',
        ts: 1000,
        expected: null,
      });
      assert.deepEqual([v1.version, v1.previous, v1.deleted, v1.note], [1, null, false, null]);
      assert.equal(await config.isEmpty(), false);
      await assert.rejects(
        config.commit({
          site: 'cfg-b',
          config: site('cfg-b', 'x'),
          actor: 'a',
          action: 'create',
          summary: '',
          expected: null,
        }),
        (e: unknown) => e instanceof VersionConflict && e.current === 1,
      );
      const v2 = await config.commit({
        site: 'cfg-b',
        config: site('cfg-b', '乙（改）'),
        actor: 'admin',
        action: 'update',
        note: 'renamed',
        summary: 'name',
        ts: 2000,
        expected: 1,
      });
      assert.deepEqual([v2.version, v2.previous, v2.note], [2, 1, 'renamed']);
      await config.commit({
        site: 'cfg-a',
        config: site('cfg-a', '甲'),
        actor: 'admin',
        action: 'create',
        summary: 'new',
      });
      const gone = await config.commit({
        site: 'cfg-a',
        config: site('cfg-a', '甲'),
        actor: 'admin',
        action: 'delete',
        summary: 'removed',
        deleted: true,
        expected: 1,
      });
      assert.equal(gone.deleted, true);
      const latest = await config.latest();
      assert.deepEqual(
        [...latest.values()].map((v) => [v.site, v.version, v.deleted, v.config.name]),
        [
          ['cfg-a', 2, true, '甲'],
          ['cfg-b', 2, false, '乙（改）'],
        ],
      );
      assert.deepEqual(await config.current('cfg-b'), v2);
      assert.equal(await config.current('nowhere'), undefined);
      assert.deepEqual(await config.version('cfg-b', 1), v1);
      assert.equal(await config.version('cfg-b', 3), undefined);
      assert.deepEqual(
        (await config.history('cfg-b')).map((v) => [v.version, v.ts, v.actor, v.action]),
        [
          [1, 1000, 'system', 'seed'],
          [2, 2000, 'admin', 'update'],
        ],
      );

      // Credentials: one active gateway per username, revoked rather than deleted, newest first.
      const cred = (id: string, username: string, createdAt: number, device: string | null = null) => ({
        id,
        site: 'cfg-b',
        device,
        username,
        passwordHash: `scrypt$${id}`,
        createdAt,
        createdBy: 'admin',
        note: null,
      });
      const gw = await config.addCredential(cred('cred-1', 'b-gw', 10));
      assert.deepEqual([gw.revokedAt, gw.revokedBy], [null, null]);
      await assert.rejects(config.addCredential(cred('cred-2', 'b-gw', 11)));
      await config.addCredential(cred('cred-3', 'eval-1', 12, 'eval-1'));
      assert.deepEqual(
        (await config.credentials({ site: 'cfg-b', active: true })).map((c) => c.id),
        ['cred-3', 'cred-1'],
      );
      assert.equal(await config.revokeCredential('cred-1', 'admin', 20), true);
      assert.equal(await config.revokeCredential('cred-1', 'admin', 21), false, 'revoked once');
      assert.equal(await config.revokeCredential('cred-none', 'admin'), false);
      assert.deepEqual(await config.credential('cred-1'), { ...gw, revokedAt: 20, revokedBy: 'admin' });
      assert.equal(await config.credential('cred-none'), undefined);
      assert.deepEqual(
        (await config.credentials({ active: true })).map((c) => c.id),
        ['cred-3'],
      );
      await config.addCredential(cred('cred-4', 'b-gw', 30));
      assert.deepEqual(
        (await config.credentials({ site: 'cfg-b' })).map((c) => [c.id, c.revokedAt]),
        [
          ['cred-4', null],
          ['cred-3', null],
          ['cred-1', 20],
        ],
      );
      assert.deepEqual(await config.credentials({ site: 'elsewhere' }), []);

      // The edges' reports: one per site, an older one never replaces a newer one.
      const edge = (seenAt: number, running: number): StoredEdgeState => ({
        site: 'cfg-b',
        seenAt,
        mode: 'remote',
        state: 'applied',
        running,
        received: running,
        digest: `d${running}`,
        ts: new Date(seenAt).toISOString(),
      });
      await config.setEdgeState(edge(100, 1));
      await config.setEdgeState(edge(200, 2));
      await config.setEdgeState(edge(150, 9));
      assert.deepEqual([...(await config.edgeStates()).entries()], [['cfg-b', edge(200, 2)]]);

      // File imports: the hash of the content last imported.
      assert.equal(await config.importedHash('/etc/hallmon/b.yaml'), undefined);
      await config.markImported('/etc/hallmon/b.yaml', 'aa', 1);
      await config.markImported('/etc/hallmon/b.yaml', 'bb', 2);
      assert.equal(await config.importedHash('/etc/hallmon/b.yaml'), 'bb');

      // A transaction is all or nothing; one that throws leaves nothing behind.
      await assert.rejects(
        config.transaction(async (tx) => {
          await tx.commit({
            site: 'cfg-b',
            config: site('cfg-b', 'x'),
            actor: 'a',
            action: 'update',
            summary: '',
            expected: 2,
          });
          await tx.addCredential(cred('cred-5', 'b-gw-2', 40));
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal((await config.current('cfg-b'))!.version, 2);
      assert.equal(await config.credential('cred-5'), undefined);
      const both = await config.transaction(async (tx) => {
        const v = await tx.commit({
          site: 'cfg-b',
          config: site('cfg-b', '乙3'),
          actor: 'a',
          action: 'update',
          summary: '',
          expected: 2,
        });
        // A transaction inside one joins it.
        await tx.transaction(async (inner) => inner.addCredential(cred('cred-5', 'b-gw-2', 40)));
        return v.version;
      });
      assert.equal(both, 3);
      assert.equal((await config.credential('cred-5'))?.username, 'b-gw-2');
    });

    test('configuration: a change written by another server or process moves the change mark', async () => {
      const other = await fixture.open();
      try {
        const before = await config.changeMark();
        assert.equal(await config.changeMark(), before, 'nothing changed: the same mark');
        const cur = (await other.config.current('cfg-b'))!;
        await other.config.commit({
          site: 'cfg-b',
          config: { ...cur.config, name: '乙（另一台）' },
          actor: 'other',
          action: 'update',
          summary: 'name',
          expected: cur.version,
        });
        assert.notEqual(await config.changeMark(), before);
        assert.equal((await config.current('cfg-b'))!.config.name, '乙（另一台）', 'and the change is read here');
        const mark = await config.changeMark();
        assert.equal(await other.config.revokeCredential('cred-5', 'other'), true);
        assert.notEqual(await config.changeMark(), mark, 'a revoked credential moves it too');
      } finally {
        await other.close();
      }
    });

    test('the machine-room entry register: visits written, a leaving recorded once, listed by overlap', async () => {
      const base = 1_780_000_000_000;
      const visit = {
        zone: 'machine-room',
        organisation: '电信青浦分公司',
        reason: '更换光猫',
        escort: '李网管',
      };
      const zhang = await visits.add({
        ...visit,
        site: 'demo',
        visitor: '张工',
        inAt: base,
        createdAt: base + 1_000,
        createdBy: 'net1',
      });
      assert.match(zhang.id, /^v-[0-9a-f-]{36}$/);
      assert.deepEqual([zhang.outAt, zhang.closedBy], [null, null], 'still inside');
      // Written after the fact with its leaving: closed by whoever wrote it.
      const wang = await visits.add({
        ...visit,
        site: 'demo',
        visitor: '王师傅',
        inAt: base + 3_600_000,
        outAt: base + 7_200_000,
        createdAt: base + 7_300_000,
        createdBy: 'net2',
      });
      assert.deepEqual([wang.outAt, wang.closedBy], [base + 7_200_000, 'net2']);
      const elsewhere = await visits.add({
        ...visit,
        site: 'other',
        visitor: '赵工',
        inAt: base,
        createdAt: base,
        createdBy: 'net1',
      });
      assert.deepEqual(await visits.get(zhang.id), zhang);
      assert.deepEqual(await visits.get(wang.id), wang);
      assert.equal(await visits.get('v-nope'), undefined);
      const names = async (site: string, from: number, to: number, o?: { insideOnly?: boolean; limit?: number }) =>
        (await visits.list(site, from, to, o)).map((v) => v.visitor);
      assert.deepEqual(await names('demo', base - 1, base + 86_400_000), ['王师傅', '张工'], 'newest first');
      assert.deepEqual(await names('demo', base - 1, base + 86_400_000, { insideOnly: true }), ['张工']);
      assert.deepEqual(await names('demo', base - 1, base + 86_400_000, { limit: 1 }), ['王师傅']);
      assert.deepEqual(await names('demo', base + 7_200_001, base + 86_400_000), ['张工'], 'still inside overlaps');
      assert.deepEqual(await names('demo', base + 7_200_000, base + 86_400_000), ['王师傅', '张工'], 'left at from');
      assert.deepEqual(await names('demo', base - 60_000, base), [], 'came in at `to`: not in [from, to)');
      assert.deepEqual(await names('other', 0, Number.MAX_SAFE_INTEGER), [elsewhere.visitor]);
      assert.equal(await visits.out(zhang.id, base + 5_000, 'net1'), true);
      assert.equal(await visits.out(zhang.id, base + 6_000, 'net2'), false, 'a leaving is recorded once');
      assert.equal(await visits.out(wang.id, base + 8_000_000, 'net1'), false, 'written with its leaving');
      assert.deepEqual(await visits.get(zhang.id), { ...zhang, outAt: base + 5_000, closedBy: 'net1' });
      assert.deepEqual(await names('demo', base + 5_001, base + 3_600_000), [], 'gone before from');
      assert.deepEqual(await names('demo', base - 1, base + 86_400_000, { insideOnly: true }), []);
      await state.check();
    });

    test('rule state and token secret survive a reopen', async () => {
      const rs = await state.ruleState('demo');
      assert.equal(rs.load(), undefined);
      rs.save({ version: 1, n: 1 });
      rs.save({ version: 1, n: 2 });
      const secret = await state.tokenSecret();
      assert.ok(secret.length >= 32);
      await state.close();
      state = await fixture.open();
      assert.deepEqual((await state.ruleState('demo')).load(), { version: 1, n: 2 });
      assert.deepEqual(await state.tokenSecret(), secret);
      const leases = state.leases({ sites: ['demo', '*'], ttlMs: 3000 });
      await leases.start();
      assert.equal(leases.owns('demo'), true, 'alone, a server owns every site');
      assert.deepEqual(leases.owned().sort(), ['*', 'demo']);
      await leases.stop();
    });

    test('every method of every state interface was called', () => {
      for (const [kind, names] of Object.entries(METHODS))
        for (const m of names)
          assert.ok(calls[kind as keyof typeof METHODS].has(m), `${kind}.${m} was never called on ${name}`);
    });
  });
}
