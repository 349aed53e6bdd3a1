// What changed in a case between the time shown and now: field changes from the
// gateway's diff (`assignments[<id>].status: assigned → completed`) and the
// events that occurred in between.
import type { CaseDiff } from '../api/types';
import { useI18n } from '../i18n';

function show(value: unknown): string {
  if (value === undefined) return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function DiffPanel({ diff }: { diff: CaseDiff }) {
  const { t, dateTime, eventType } = useI18n();
  return (
    <section className="panel diff-panel" data-testid="diff-panel" aria-labelledby="diff-title">
      <h2 id="diff-title" className="section-title">
        {t('diff.title')}
      </h2>
      <p className="muted small">
        {t('diff.fromTo', { from: dateTime(diff.from), to: dateTime(diff.to) })}
      </p>
      {!diff.existedAtFrom && <p>{t('diff.notExisted')}</p>}
      {diff.changes.length === 0 ? (
        <p className="muted">{t('diff.none')}</p>
      ) : (
        <ul className="diff-list">
          {diff.changes.map((change) => (
            <li key={change.path} data-testid="diff-change" data-path={change.path}>
              <code className="diff-path">{change.path}</code>{' '}
              {'from' in change ? (
                <span className="diff-from">{show(change.from)}</span>
              ) : (
                <span className="diff-none">{t('diff.added')}</span>
              )}
              {' → '}
              {'to' in change ? (
                <span className="diff-to">{show(change.to)}</span>
              ) : (
                <span className="diff-none">{t('diff.removed')}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      <details className="diff-events">
        <summary>{t('diff.events', { count: diff.events.length })}</summary>
        <ol>
          {diff.events.map((event) => (
            <li key={event.id} data-testid="diff-event" data-event-id={event.id}>
              <time dateTime={event.occurredAt}>{dateTime(event.occurredAt)}</time>{' '}
              <span className={`agency-tag agency-${event.agency}`}>
                {t(`agency.${event.agency}`)}
              </span>{' '}
              <strong>{eventType(event.type)}</strong> — {event.summary}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}
