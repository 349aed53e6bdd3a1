// The live stream's state, announced politely when it changes.
import { useI18n } from '../i18n';
import { useLive } from '../live';

export function LiveStatus() {
  const { t } = useI18n();
  const { state } = useLive();
  return (
    <span
      className={`live-status live-${state}`}
      data-testid="live-status"
      data-state={state}
      role="status"
      aria-label={`${t('live.label')}: ${t(`live.${state}`)}`}
    >
      <span className="live-dot" aria-hidden="true" />
      {t(`live.${state}`)}
    </span>
  );
}
