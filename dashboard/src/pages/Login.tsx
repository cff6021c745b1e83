// Sign-in: POST /api/login, keep the token for this tab, go to the role's first page.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { setSession } from '../auth/auth.ts';
import { isRole, homePage } from '../lib/roles.ts';
import { navigate } from '../router.ts';
import { LangToggle } from '../components/LangToggle.tsx';

export function Login({ expired = false }: { expired?: boolean }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.login(username.trim(), password);
      if (!isRole(answer.role)) throw new Error(`unknown role "${String(answer.role)}"`);
      setSession({ token: answer.token, role: answer.role, username: answer.username ?? username.trim() });
      navigate(homePage(answer.role));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <div className="login-top">
        <LangToggle />
      </div>
      <form className="card login-form" onSubmit={submit} data-testid="login-form" aria-labelledby="login-title">
        <h1 id="login-title">{t('app.title')}</h1>
        <h2>{t('login.title')}</h2>
        {expired ? <p className="notice">{t('login.expired')}</p> : null}
        <label htmlFor="login-username">{t('login.username')}</label>
        <input
          id="login-username"
          data-testid="login-username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="login-password">{t('login.password')}</label>
        <input
          id="login-password"
          data-testid="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="btn btn-primary" data-testid="login-submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        {error ? (
          <p className="error" role="alert" data-testid="login-error">
            {t('login.failed', { message: error })}
          </p>
        ) : null}
      </form>
    </main>
  );
}
