// Small labelled badges. Risk is shown by colour and by its name, never by colour alone.
import type { CaseMode, RiskLevel, SlaState } from '../api/types';
import { useI18n } from '../i18n';

export function RiskBadge({ level }: { level: RiskLevel | undefined }) {
  const { t } = useI18n();
  const key = level ?? 'none';
  return (
    <span className={`badge risk risk-${key}`} data-risk={key}>
      <span className="risk-dot" aria-hidden="true" />
      {level ? t('risk.label', { level: t(`risk.${level}`) }) : t('risk.none')}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const known = ['reported', 'open', 'closed', 'triaged', 'verified', 'reopened'];
  return (
    <span className={`badge status status-${status}`}>
      {known.includes(status) ? t(`status.${status}` as 'status.open') : status}
    </span>
  );
}

export function ModeBadge({ mode }: { mode: CaseMode | undefined }) {
  const { t } = useI18n();
  if (!mode) return <span className="muted">{t('common.dash')}</span>;
  return <span className={`badge mode mode-${mode}`}>{t(`mode.${mode}`)}</span>;
}

export function SlaBadge({ state }: { state: SlaState | undefined }) {
  const { t } = useI18n();
  return (
    <span className={`badge sla sla-${state ?? 'unknown'}`}>
      {t(`sla.state.${state ?? 'unknown'}`)}
    </span>
  );
}
