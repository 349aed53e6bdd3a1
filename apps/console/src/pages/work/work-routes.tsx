// The work pages' routes and navigation entries, kept apart from App.tsx so
// that file only gains two lines: /decisions/:id, /reviews (legal reviewers),
// /credentials (the street office's admin), /drc (DRC staff).
import type { ReactElement } from 'react';
import type { Identity } from '../../api/session';
import { useI18n } from '../../i18n';
import { mayUse } from '../../lib/permissions';
import { Link, match } from '../../router';
import { CredentialsPage } from './CredentialsPage';
import { DecisionPage } from './DecisionPage';
import { DrcPage } from './DrcWork';
import { ReviewQueue } from './ReviewQueue';

export function workRoute(path: string): ReactElement | undefined {
  if (path === '/reviews') return <ReviewQueue />;
  if (path === '/credentials') return <CredentialsPage />;
  if (path === '/drc') return <DrcPage />;
  const decision = match('/decisions/:decisionId', path);
  if (decision?.decisionId)
    return <DecisionPage key={decision.decisionId} decisionId={decision.decisionId} />;
  return undefined;
}

export function WorkNavLinks({ identity, path }: { identity: Identity; path: string }) {
  const { t } = useI18n();
  const links = [
    mayUse(identity, 'ApproveDraft') && {
      to: '/reviews',
      id: 'nav-reviews',
      label: t('ew.nav.reviews'),
    },
    mayUse(identity, 'GrantCredential') && {
      to: '/credentials',
      id: 'nav-credentials',
      label: t('ew.nav.credentials'),
    },
    (mayUse(identity, 'IssueRiskWarning') || mayUse(identity, 'ProposeProject')) && {
      to: '/drc',
      id: 'nav-drc',
      label: t('ew.nav.drc'),
    },
  ].filter((l): l is { to: string; id: string; label: string } => Boolean(l));
  return (
    <>
      {links.map((l) => (
        <Link
          key={l.to}
          to={l.to}
          data-testid={l.id}
          aria-current={path === l.to ? 'page' : undefined}
          className="nav-link"
        >
          {l.label}
        </Link>
      ))}
    </>
  );
}
