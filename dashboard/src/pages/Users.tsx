// 用户管理 (administrators): every account with its role, sites, expiry and last sign-in; create,
// edit (role, sites, name, expiry), disable/enable, set a password and delete, through
// /api/users (docs/contract.md "People, sessions and the audit trail"). The server holds the rules
// (password length, not the username, an assessor needs an end date, the last admin stays); the
// form checks the same rules first so the message comes before the round trip, and shows the
// server's own message when it refuses.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordProblem, PASSWORD_MIN } from '@hallmon/contract/accounts';
import type { NewUser, User, UserPatch } from '@hallmon/contract';
import { useApp, siteName } from '../app-context.ts';
import { api } from '../api/client.ts';
import { PasswordField } from '../components/PasswordField.tsx';
import { useApi } from '../hooks.ts';
import { ROLES, type Role } from '../lib/roles.ts';
import { formatDateTime } from '../lib/time-format.ts';

type Scope = '*' | string[];

export default function Users() {
  const { t, i18n } = useTranslation();
  const { session } = useApp();
  const list = useApi((signal) => api.users(signal), []);
  const [editing, setEditing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const lang = i18n.language;

  async function run(work: () => Promise<unknown>, done: string) {
    setMessage(undefined);
    try {
      await work();
      setMessage({ ok: true, text: done });
      list.reload();
      return true;
    } catch (err) {
      setMessage({ ok: false, text: t('users.failed', { message: err instanceof Error ? err.message : String(err) }) });
      return false;
    }
  }

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('users.title')}</h1>
      <p className="muted">{t('users.intro')}</p>
      {message ? (
        <p
          className={message.ok ? 'notice' : 'error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="users-message"
        >
          {message.text}
        </p>
      ) : null}
      {adding ? (
        <UserForm
          onCancel={() => setAdding(false)}
          onSubmit={async (body) => {
            const ok = await run(
              () => api.createUser(body as NewUser),
              t('users.created', { user: (body as NewUser).username }),
            );
            if (ok) setAdding(false);
          }}
        />
      ) : (
        <p>
          <button type="button" className="btn btn-primary" data-testid="user-add" onClick={() => setAdding(true)}>
            {t('users.add')}
          </button>
        </p>
      )}
      {list.error ? <p className="error">{t('common.error', { message: list.error })}</p> : null}
      {list.loading && !list.data ? <p>{t('common.loading')}</p> : null}
      <div className="table-wrap">
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">{t('users.username')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.sites')}</th>
              <th scope="col">{t('users.expires')}</th>
              <th scope="col">{t('users.status')}</th>
              <th scope="col">{t('users.lastLogin')}</th>
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(list.data ?? []).map((u) =>
              editing === u.username ? (
                <tr key={u.username}>
                  <td colSpan={7}>
                    <UserForm
                      user={u}
                      onCancel={() => setEditing(null)}
                      onSubmit={async (patch) => {
                        const ok = await run(
                          () => api.updateUser(u.username, patch as UserPatch),
                          t('users.saved', { user: u.username }),
                        );
                        if (ok) setEditing(null);
                      }}
                    />
                  </td>
                </tr>
              ) : (
                <UserRow
                  key={u.username}
                  user={u}
                  self={u.username === session.username}
                  lang={lang}
                  onEdit={() => setEditing(u.username)}
                  onDisable={(disabled) =>
                    run(() => api.updateUser(u.username, { disabled }), t('users.saved', { user: u.username }))
                  }
                  onPassword={(password) =>
                    run(() => api.updateUser(u.username, { password }), t('users.saved', { user: u.username }))
                  }
                  onRemove={() => run(() => api.deleteUser(u.username), t('users.removed', { user: u.username }))}
                />
              ),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function UserRow({
  user: u,
  self,
  lang,
  onEdit,
  onDisable,
  onPassword,
  onRemove,
}: {
  user: User;
  self: boolean;
  lang: string;
  onEdit: () => void;
  onDisable: (disabled: boolean) => Promise<boolean>;
  onPassword: (password: string) => Promise<boolean>;
  onRemove: () => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const { sites } = useApp();
  const [pw, setPw] = useState<string | null>(null);
  const expired = u.expires !== null && Date.parse(u.expires) <= Date.now();
  const scope =
    u.sites === '*'
      ? t('users.allSites')
      : u.sites
          .map((id) => {
            const s = sites.find((x) => x.id === id);
            return s ? siteName(s, lang) : id;
          })
          .join('、');
  const tz = 'Asia/Shanghai';
  const problem =
    pw === null || pw === '' || passwordProblem(u.username, pw) === null
      ? null
      : t('users.passwordHint', { min: PASSWORD_MIN });
  return (
    <tr data-testid="user-row" data-user={u.username}>
      <th scope="row">
        {u.username} {self ? <small>{t('users.you')}</small> : null}
        {u.name ? (
          <>
            <br />
            <small>{u.name}</small>
          </>
        ) : null}
      </th>
      <td data-label={t('users.role')}>{t(`role.${u.role}`)}</td>
      <td data-label={t('users.sites')}>{scope}</td>
      <td data-label={t('users.expires')}>{u.expires ? expiryDay(u.expires) : t('users.noExpiry')}</td>
      <td data-label={t('users.status')}>
        <span className={`badge ${u.disabled || expired ? 'badge-critical' : 'badge-ok'}`}>
          {u.disabled ? t('users.disabled') : expired ? t('users.expired') : t('users.enabled')}
        </span>
      </td>
      <td data-label={t('users.lastLogin')}>
        {u.lastLoginAt ? formatDateTime(u.lastLoginAt, tz, lang) : t('users.never')}
      </td>
      <td data-label={t('users.actions')}>
        <div className="row-actions">
          <button type="button" className="btn" onClick={onEdit} data-testid="user-edit">
            {t('users.edit')}
          </button>
          {self ? null : (
            <button
              type="button"
              className="btn"
              onClick={() => void onDisable(!u.disabled)}
              data-testid="user-disable"
            >
              {u.disabled ? t('users.enable') : t('users.disable')}
            </button>
          )}
          {pw === null ? (
            <button type="button" className="btn" onClick={() => setPw('')} data-testid="user-password">
              {t('users.resetPassword')}
            </button>
          ) : (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (pw && !problem) void onPassword(pw).then((ok) => ok && setPw(null));
              }}
            >
              <label>
                {t('users.newPassword')}
                <input
                  type="password"
                  autoComplete="new-password"
                  value={pw}
                  onChange={(e) => setPw(e.target.value)}
                  data-testid="user-new-password"
                />
              </label>
              {problem ? <small className="error">{problem}</small> : null}
              <button type="submit" className="btn btn-primary" disabled={!pw || problem !== null}>
                {t('users.save')}
              </button>
              <button type="button" className="btn" onClick={() => setPw(null)}>
                {t('users.cancel')}
              </button>
            </form>
          )}
          {self ? null : (
            <button
              type="button"
              className="btn"
              data-testid="user-remove"
              onClick={() => {
                if (window.confirm(t('users.confirmRemove', { user: u.username }))) void onRemove();
              }}
            >
              {t('users.remove')}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/** The expiry as a day (the date input's value): the account's last day in China time (UTC+8). */
function expiryDay(iso: string | null): string {
  if (!iso) return '';
  return new Date(Date.parse(iso) + 8 * 3_600_000 - 1).toISOString().slice(0, 10);
}

/** Create (no user) or edit (a user): the fields of NewUser / UserPatch, checked before sending. */
export function UserForm({
  user,
  onSubmit,
  onCancel,
}: {
  user?: User;
  onSubmit: (body: NewUser | UserPatch) => Promise<void>;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { sites } = useApp();
  const [username, setUsername] = useState(user?.username ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'hall');
  const [scope, setScope] = useState<Scope>(user ? (user.sites === '*' ? '*' : [...user.sites]) : []);
  const [expires, setExpires] = useState(expiryDay(user?.expires ?? null));
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  function toggleSite(id: string, on: boolean) {
    setScope((s) => {
      const list = s === '*' ? [] : s;
      return on ? [...list.filter((x) => x !== id), id] : list.filter((x) => x !== id);
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setProblem(undefined);
    if (scope !== '*' && scope.length === 0) return setProblem(t('users.pickSite'));
    if (role === 'assessor' && !expires) return setProblem(t('users.expiresHint'));
    if (!user || password) {
      if (passwordProblem(username.trim(), password)) return setProblem(t('users.passwordHint', { min: PASSWORD_MIN }));
      if (password !== repeat) return setProblem(t('users.mismatch'));
    }
    const sitesValue: NewUser['sites'] = scope === '*' ? '*' : scope;
    const body: NewUser | UserPatch = user
      ? {
          role,
          sites: sitesValue,
          name: name.trim() ? name.trim() : null,
          expires: expires || null,
          ...(password ? { password } : {}),
        }
      : {
          username: username.trim(),
          password,
          role,
          sites: sitesValue,
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(expires ? { expires } : {}),
        };
    setBusy(true);
    try {
      await onSubmit(body);
    } finally {
      setBusy(false);
    }
  }

  const id = user ? `u-${user.username}` : 'u-new';
  return (
    <form
      className="card user-form"
      onSubmit={submit}
      data-testid="user-form"
      aria-label={user ? t('users.edit') : t('users.add')}
    >
      <label htmlFor={`${id}-username`}>{t('users.username')}</label>
      <input
        id={`${id}-username`}
        data-testid="user-username"
        value={username}
        required
        disabled={user !== undefined}
        autoComplete="off"
        pattern="[A-Za-z0-9][A-Za-z0-9._@\-]{0,63}"
        onChange={(e) => setUsername(e.target.value)}
      />
      <label htmlFor={`${id}-name`}>{t('users.name')}</label>
      <input id={`${id}-name`} data-testid="user-name" value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor={`${id}-role`}>{t('users.role')}</label>
      <select id={`${id}-role`} data-testid="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`role.${r}`)}
          </option>
        ))}
      </select>
      <fieldset data-testid="user-sites">
        <legend>{t('users.sites')}</legend>
        <label>
          <input
            type="checkbox"
            checked={scope === '*'}
            data-testid="user-site-all"
            onChange={(e) => setScope(e.target.checked ? '*' : [])}
          />{' '}
          {t('users.allSites')}
        </label>
        {sites.map((s) => (
          <label key={s.id}>
            <input
              type="checkbox"
              disabled={scope === '*'}
              checked={scope === '*' || scope.includes(s.id)}
              data-testid={`user-site-${s.id}`}
              onChange={(e) => toggleSite(s.id, e.target.checked)}
            />{' '}
            {siteName(s, i18n.language)}
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-expires`}>{t('users.expires')}</label>
      <input
        id={`${id}-expires`}
        data-testid="user-expires"
        type="date"
        value={expires}
        required={role === 'assessor'}
        onChange={(e) => setExpires(e.target.value)}
      />
      <small className="muted">{t('users.expiresHint')}</small>
      <PasswordField
        id={`${id}-password`}
        label={user ? t('users.newPassword') : t('users.password')}
        value={password}
        onChange={setPassword}
        testId="user-password-input"
        required={!user}
      />
      <PasswordField
        id={`${id}-repeat`}
        label={t('users.passwordRepeat')}
        value={repeat}
        onChange={setRepeat}
        testId="user-password-repeat"
        required={!user || password !== ''}
      />
      <small className="muted">{t('users.passwordHint', { min: PASSWORD_MIN })}</small>
      {problem ? (
        <p className="error" role="alert" data-testid="user-form-problem">
          {problem}
        </p>
      ) : null}
      <div className="row-actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="user-submit">
          {user ? t('users.save') : t('users.create')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('users.cancel')}
        </button>
      </div>
    </form>
  );
}
