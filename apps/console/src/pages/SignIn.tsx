// Sign-in: a button that leaves for the agencies' identity provider (its login
// page, in the person's language), and why the person was signed out, if so.
import { useAuth } from '../auth';
import { useI18n } from '../i18n';
import { useLocation } from '../router';

export function SignIn() {
  const { t } = useI18n();
  const { signIn, signedOutReason } = useAuth();
  const { path, query } = useLocation();
  // Back to where the person was going: `?next=` after a sign-out, or the page asked for.
  const next =
    query.get('next') ??
    (path !== '/' ? window.location.pathname + window.location.search : undefined);

  return (
    <div className="signin">
      <h1 tabIndex={-1}>{t('signin.title')}</h1>
      <p>{t('signin.intro')}</p>
      {signedOutReason && (
        <p className="error" role="alert" data-testid="signin-error">
          {t('signin.signedOut', { reason: signedOutReason })}
        </p>
      )}
      <button
        type="button"
        className="button"
        data-testid="signin-submit"
        onClick={() => signIn(next)}
      >
        {t('signin.submit')}
      </button>
      <p className="muted small">{t('signin.hint')}</p>
    </div>
  );
}
