// The shell: header (who is signed in, navigation, language, live state) and the
// page for the current route. Without a token every route shows sign-in.
import { CALLBACK_PATH } from './api/oidc';
import { isAdmin } from './api/session';
import { useAuth } from './auth';
import { LiveStatus } from './components/LiveStatus';
import { useI18n } from './i18n';
import { LiveProvider } from './live';
import { mayUse } from './lib/permissions';
import { Analytics } from './pages/Analytics';
import { Board } from './pages/Board';
import { CasePage } from './pages/CasePage';
import { OpenCase } from './pages/OpenCase';
import { Operations } from './pages/Operations';
import { ReportIssue } from './pages/ReportIssue';
import { SignIn } from './pages/SignIn';
import { WorkNavLinks, workRoute } from './pages/work/work-routes';
import { MyWorkPage } from './pages/MyWork';
import { landsOnMyWork, MyWorkProvider, useMyWork } from './work/my-work';
import { Link, match, Redirect, useFocusOnNavigate, useLocation } from './router';

function LanguageSwitch() {
  const { t, locale, setLocale } = useI18n();
  return (
    <button
      type="button"
      className="button secondary small"
      data-testid="lang-switch"
      lang={locale === 'zh-CN' ? 'en' : 'zh-CN'}
      aria-label={t('lang.switchLabel')}
      onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}
    >
      {t('lang.switch')}
    </button>
  );
}

function NavLink({
  to,
  testId,
  label,
  current,
}: {
  to: string;
  testId: string;
  label: string;
  current: boolean;
}) {
  return (
    <Link
      to={to}
      data-testid={testId}
      aria-current={current ? 'page' : undefined}
      className="nav-link"
    >
      {label}
    </Link>
  );
}

/** "My work" in the navigation, with the number of items waiting. */
function MyWorkLink({ current }: { current: boolean }) {
  const { t } = useI18n();
  const { data } = useMyWork();
  return (
    <Link
      to="/my-work"
      data-testid="nav-my-work"
      aria-current={current ? 'page' : undefined}
      className="nav-link"
    >
      {t('nav.myWork')}
      {data && data.total > 0 && (
        <span
          className="badge"
          data-testid="my-work-badge"
          title={t('mywork.badge', { count: data.total })}
        >
          {data.total}
        </span>
      )}
    </Link>
  );
}

function Routes({ landing }: { landing: string }) {
  const { path } = useLocation();
  const { t } = useI18n();
  useFocusOnNavigate(path);
  if (path === '/' || path === '') return <Redirect to={landing} />;
  if (path === '/my-work') return <MyWorkPage />;
  if (path === '/board') return <Board />;
  if (path === '/analytics') return <Analytics />;
  if (path === '/operations') return <Operations />;
  if (path === '/report') return <ReportIssue />;
  if (path === '/cases/new') return <OpenCase />;
  const work = workRoute(path);
  if (work) return work;
  const caseRoute = match('/cases/:caseId', path);
  if (caseRoute?.caseId) return <CasePage key={caseRoute.caseId} caseId={caseRoute.caseId} />;
  return (
    <div className="page">
      <h1 tabIndex={-1}>{t('common.notFound')}</h1>
      <Link to="/board">{t('common.back')}</Link>
    </div>
  );
}

export function App() {
  const { t } = useI18n();
  const { status, token, identity, signOut, accountsUrl } = useAuth();
  const { path } = useLocation();

  if (status === 'starting' || path === CALLBACK_PATH)
    return (
      <main id="main" className="main narrow">
        <p className="muted" role="status" data-testid="signin-progress">
          {t('signin.progress')}
        </p>
      </main>
    );
  if (!token || !identity)
    return (
      <>
        <header className="app-header">
          <span className="brand">{t('app.title')}</span>
          <div className="header-tools">
            <LanguageSwitch />
          </div>
        </header>
        <main id="main" className="main narrow">
          <SignIn />
        </main>
      </>
    );

  const agency =
    identity.agency === 'swc' || identity.agency === 'drc' || identity.agency === 'street'
      ? t(`agency.${identity.agency}`)
      : identity.agency;
  return (
    <LiveProvider principal={identity.sub}>
      <MyWorkProvider>
        <a href="#main" className="skip-link">
          {t('app.skip')}
        </a>
        <header className="app-header">
          <Link to="/board" className="brand">
            {t('app.title')}
          </Link>
          <nav aria-label={t('nav.label')} className="nav">
            <MyWorkLink current={path === '/my-work'} />
            <NavLink
              to="/board"
              testId="nav-board"
              label={t('nav.board')}
              current={path === '/board' || path.startsWith('/cases/')}
            />
            <NavLink
              to="/analytics"
              testId="nav-analytics"
              label={t('nav.analytics')}
              current={path === '/analytics'}
            />
            {mayUse(identity, 'ReportIssue') && (
              <NavLink
                to="/report"
                testId="nav-report"
                label={t('nav.report')}
                current={path === '/report'}
              />
            )}
            {mayUse(identity, 'OpenCase') && (
              <NavLink
                to="/cases/new"
                testId="nav-open-case"
                label={t('nav.openCase')}
                current={path === '/cases/new'}
              />
            )}
            <WorkNavLinks identity={identity} path={path} />
            {isAdmin(identity) && (
              <NavLink
                to="/operations"
                testId="nav-operations"
                label={t('nav.operations')}
                current={path === '/operations'}
              />
            )}
            {isAdmin(identity) && accountsUrl && (
              <a
                href={accountsUrl}
                className="nav-link"
                data-testid="nav-accounts"
                target="_blank"
                rel="noopener noreferrer"
              >
                {t('nav.accounts')}
              </a>
            )}
          </nav>
          <div className="header-tools">
            <LiveStatus />
            <span className="whoami" data-testid="whoami">
              <span className="visually-hidden">{t('whoami.label')}: </span>
              <strong>{identity.sub}</strong>
              <span className="muted">
                {' '}
                · {agency} ({identity.agency}) · {identity.roles.join(', ')}
              </span>
            </span>
            <LanguageSwitch />
            <button
              type="button"
              className="button secondary small"
              data-testid="signout"
              onClick={() => signOut()}
            >
              {t('signout')}
            </button>
          </div>
        </header>
        <main id="main" className="main" tabIndex={-1}>
          <Routes landing={landsOnMyWork(identity) ? '/my-work' : '/board'} />
        </main>
      </MyWorkProvider>
    </LiveProvider>
  );
}
