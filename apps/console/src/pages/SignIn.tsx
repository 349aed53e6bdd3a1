// Sign-in with a token: decoded here to check its shape, then tried against the
// gateway (one small read); a refusal shows the gateway's 401 message.
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError } from '../api/client';
import { listCases } from '../api/gateway';
import { decodeIdentity } from '../api/session';
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { navigate, useLocation } from '../router';

export function SignIn() {
  const { t } = useI18n();
  const { signIn, signedOutReason } = useAuth();
  const { path, query } = useLocation();
  const id = useId();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(
    signedOutReason ? t('signin.signedOut', { reason: signedOutReason }) : null,
  );
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = token.trim();
    if (!text) return setError(t('signin.empty'));
    setBusy(true);
    setError(null);
    try {
      await listCases({ limit: 1 }, { token: text, quiet401: true });
    } catch (caught) {
      // 403 and other refusals still mean the token is genuine; only 401 is a bad token.
      if (caught instanceof ApiError && caught.status === 401) {
        setBusy(false);
        return setError(caught.message);
      }
    }
    setBusy(false);
    // The gateway verifies; the console only needs to read the claims to adapt its menus.
    if (!decodeIdentity(text)) return setError(t('signin.notJwt'));
    signIn(text);
    // Back to where the user was going: `?next=` after a sign-out, or the page asked for.
    const next =
      query.get('next') ??
      (path !== '/' ? window.location.pathname + window.location.search : null);
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/board', {
      replace: true,
    });
  };

  return (
    <div className="signin">
      <h1 tabIndex={-1}>{t('signin.title')}</h1>
      <p>{t('signin.intro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label htmlFor={id}>{t('signin.token')}</label>
          <textarea
            id={id}
            data-testid="signin-token"
            value={token}
            rows={6}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
            aria-invalid={error ? true : undefined}
            onChange={(event) => setToken(event.target.value)}
          />
          <p id={`${id}-hint`} className="muted small">
            {t('signin.hint')}
          </p>
        </div>
        {error && (
          <p id={`${id}-error`} className="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" className="button" data-testid="signin-submit" disabled={busy}>
          {busy ? t('signin.checking') : t('signin.submit')}
        </button>
      </form>
    </div>
  );
}
