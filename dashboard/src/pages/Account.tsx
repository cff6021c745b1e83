// 我的账号: the signed-in account (GET /api/me: role, sites, expiry, what it may change, when this
// sign-in ends) and 修改密码 (POST /api/me/password). A new password ends every token signed before,
// this tab's included, so the page signs in again with the new password at once: the person stays
// signed in here and every other session of the account is over.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { passwordProblem, PASSWORD_MIN } from '@hallmon/contract/accounts';
import { useApp, siteName } from '../app-context.ts';
import { api } from '../api/client.ts';
import { setSession } from '../auth/auth.ts';
import { PasswordField } from '../components/PasswordField.tsx';
import { useApi } from '../hooks.ts';
import { isRole } from '../lib/roles.ts';
import { formatDateTime } from '../lib/time-format.ts';

const TZ = 'Asia/Shanghai';

export default function Account() {
  const { t, i18n } = useTranslation();
  const { sites, session } = useApp();
  const me = useApi((signal) => api.me(signal), [session.token]);
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const lang = i18n.language;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setResult(undefined);
    if (passwordProblem(session.username, newPassword))
      return setResult({ ok: false, text: t('account.hint', { min: PASSWORD_MIN }) });
    if (newPassword !== repeat) return setResult({ ok: false, text: t('account.mismatch') });
    setBusy(true);
    try {
      await api.changePassword({ oldPassword, newPassword });
      // The old token ended with the change: sign in again with the password just set.
      const answer = await api.login(session.username, newPassword);
      if (isRole(answer.role))
        setSession({ token: answer.token, role: answer.role, username: answer.username ?? session.username });
      setOld('');
      setNew('');
      setRepeat('');
      setResult({ ok: true, text: t('account.done') });
    } catch (err) {
      setResult({
        ok: false,
        text: t('account.failed', { message: err instanceof Error ? err.message : String(err) }),
      });
    } finally {
      setBusy(false);
    }
  }

  const m = me.data;
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">{t('account.title')}</h1>
      {me.error ? <p className="error">{t('common.error', { message: me.error })}</p> : null}
      {m ? (
        <dl className="card facts" data-testid="account-facts">
          <dt>{t('account.username')}</dt>
          <dd data-testid="account-username">
            {m.username}
            {m.name ? ` · ${m.name}` : ''}
          </dd>
          <dt>{t('account.role')}</dt>
          <dd>{t(`role.${m.role}`)}</dd>
          <dt>{t('account.sites')}</dt>
          <dd data-testid="account-sites">
            {m.sites === '*'
              ? t('account.allSites')
              : m.sites
                  .map((id) => {
                    const s = sites.find((x) => x.id === id);
                    return s ? siteName(s, lang) : id;
                  })
                  .join('、')}
          </dd>
          {m.expires ? (
            <>
              <dt>{t('account.expires')}</dt>
              <dd>{formatDateTime(m.expires, TZ, lang)}</dd>
            </>
          ) : null}
          <dt>{t('account.session')}</dt>
          <dd>{formatDateTime(m.tokenExpires, TZ, lang)}</dd>
          <dt>{t('account.rights')}</dt>
          <dd>{m.rights.length ? m.rights.map((r) => t(`account.right.${r}`)).join('、') : t('account.readOnly')}</dd>
        </dl>
      ) : null}
      <form className="card user-form" onSubmit={submit} data-testid="password-form" aria-labelledby="pw-title">
        <h2 id="pw-title">{t('account.change')}</h2>
        <input type="text" autoComplete="username" value={session.username} readOnly hidden />
        <PasswordField
          id="pw-old"
          label={t('account.old')}
          value={oldPassword}
          onChange={setOld}
          testId="pw-old"
          autoComplete="current-password"
        />
        <PasswordField id="pw-new" label={t('account.new')} value={newPassword} onChange={setNew} testId="pw-new" />
        <PasswordField
          id="pw-repeat"
          label={t('account.repeat')}
          value={repeat}
          onChange={setRepeat}
          testId="pw-repeat"
        />
        <small className="muted">{t('account.hint', { min: PASSWORD_MIN })}</small>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="pw-submit">
          {t('account.submit')}
        </button>
        {result ? (
          <p className={result.ok ? 'notice' : 'error'} role={result.ok ? 'status' : 'alert'} data-testid="pw-result">
            {result.text}
          </p>
        ) : null}
      </form>
    </section>
  );
}
