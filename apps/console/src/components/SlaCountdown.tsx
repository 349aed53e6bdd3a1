// Time left to a due time (`2d 3h`) or past it (`逾期 5h` / `overdue 5h`), as of now
// (ticking every 30 s) or as of a fixed time when travelling in time.
import { useI18n } from '../i18n';
import { compactDuration } from '../lib/time';
import { useNow } from '../lib/useAsync';

export function SlaCountdown({ dueAt, at }: { dueAt: string | undefined | null; at?: string }) {
  const { t, dateTime } = useI18n();
  const ticking = useNow(30_000);
  const now = at ? Date.parse(at) : ticking;
  if (!dueAt)
    return (
      <span className="sla-countdown muted" data-testid="sla-countdown" data-state="none">
        {t('sla.noDeadline')}
      </span>
    );
  const left = Date.parse(dueAt) - now;
  const overdue = left < 0;
  return (
    <time
      className={`sla-countdown ${overdue ? 'overdue' : left < 86_400_000 ? 'soon' : ''}`}
      data-testid="sla-countdown"
      data-state={overdue ? 'overdue' : 'left'}
      dateTime={dueAt}
      title={t('sla.dueAt', { time: dateTime(dueAt) })}
    >
      {overdue
        ? t('sla.overdue', { time: compactDuration(left) })
        : t('sla.left', { time: compactDuration(left) })}
    </time>
  );
}
