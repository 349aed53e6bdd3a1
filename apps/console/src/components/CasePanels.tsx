// The case page's side panels: assignments with deadlines, the 721 progression,
// evidence digests, publicity and appeal.
import type { EvidenceItem } from '../api/types';
import { useI18n } from '../i18n';
import type { DecisionState, StepView } from '../lib/enforcement';
import type { AssignmentRow } from '../lib/snapshot';
import { SlaBadge } from './Badges';
import { SlaCountdown } from './SlaCountdown';

export function Assignments({ rows, at }: { rows: readonly AssignmentRow[]; at?: string }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="panel" aria-labelledby="assignments-title">
      <h2 id="assignments-title" className="section-title">
        {t('case.assignments')}
      </h2>
      {rows.length === 0 ? (
        <p className="muted">{t('case.noAssignments')}</p>
      ) : (
        <ul className="assignments">
          {rows.map((a) => (
            <li
              key={a.assignmentId}
              data-testid="assignment"
              data-agency={a.agency}
              data-status={a.status}
              data-sla={a.sla ?? 'unknown'}
              className="assignment"
            >
              <div className="assignment-head">
                <span className={`agency-tag agency-${a.agency}`}>{t(`agency.${a.agency}`)}</span>
                <span>{t(`role.${a.role}`)}</span>
                <span className="badge">
                  {t(`assignment.status.${a.status}` as 'assignment.status.pending')}
                </span>
                {a.sla && <SlaBadge state={a.sla} />}
                {a.escalated && <span className="badge warn">{t('assignment.escalated')}</span>}
              </div>
              <div className="assignment-due">
                <span>{t('sla.dueAt', { time: dateTime(a.dueAt) })}</span>
                {a.open && <SlaCountdown dueAt={a.dueAt} {...(at ? { at } : {})} />}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function EnforcementSteps({
  steps,
  onSelect,
}: {
  steps: readonly StepView[];
  onSelect: (eventId: string) => void;
}) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="steps-title">
      <h2 id="steps-title" className="section-title">
        {t('case.enforcement')}
      </h2>
      <ol className="steps" data-testid="enforcement-steps">
        {steps.map((s) => (
          <li
            key={s.step}
            data-step={s.step}
            data-state={s.state}
            className={`step step-${s.state}`}
          >
            <span className="step-mark" aria-hidden="true">
              {s.state === 'done' ? '✓' : s.state === 'current' ? '●' : '○'}
            </span>
            <span className="step-name">
              {s.eventId ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => s.eventId && onSelect(s.eventId)}
                >
                  {t(`steps.${s.step}`)}
                </button>
              ) : (
                t(`steps.${s.step}`)
              )}
            </span>
            <span className="step-state">{t(`steps.state.${s.state}`)}</span>
            {s.note && <span className="step-note muted small">{t(`steps.${s.note}`)}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function Evidence({ items }: { items: readonly EvidenceItem[] | undefined }) {
  const { t, dateTime } = useI18n();
  return (
    <section className="panel" aria-labelledby="evidence-title">
      <h2 id="evidence-title" className="section-title">
        {t('case.evidence')}
      </h2>
      {!items || items.length === 0 ? (
        <p className="muted">{t('case.evidenceNone')}</p>
      ) : (
        <>
          <ul className="evidence">
            {items.map((e) => (
              <li key={`${e.eventId}-${e.evidenceId}`}>
                <code
                  data-testid="evidence-digest"
                  title={e.sha256}
                  className="digest"
                  tabIndex={0}
                >
                  {e.sha256.slice(0, 12)}…
                </code>{' '}
                <span>{e.kind}</span>{' '}
                <time className="muted small" dateTime={e.capturedAt}>
                  {dateTime(e.capturedAt)}
                </time>
              </li>
            ))}
          </ul>
          <p className="muted small">{t('case.evidenceAudited')}</p>
        </>
      )}
    </section>
  );
}

export function PublicityAndAppeal({
  state,
  onSelect,
}: {
  state: DecisionState;
  onSelect: (eventId: string) => void;
}) {
  const { t, number } = useI18n();
  const jump = (eventId: string | undefined, text: string) =>
    eventId ? (
      <button type="button" className="link-button" onClick={() => onSelect(eventId)}>
        {text}
      </button>
    ) : (
      text
    );
  return (
    <section className="panel" aria-labelledby="publicity-title">
      <h2 id="publicity-title" className="section-title">
        {t('case.publicity')}
      </h2>
      <p
        data-testid="publicity-state"
        data-state={state.publicity}
        className={`pill pill-${state.publicity}`}
      >
        {jump(state.publicityEventId, t(`publicity.${state.publicity}`))}
        {state.amountYuan !== undefined && (
          <span className="muted small">
            {' '}
            · {t('publicity.amount', { amount: number(state.amountYuan) })}
          </span>
        )}
      </p>
      <h2 className="section-title">{t('case.appeal')}</h2>
      <p
        data-testid="appeal-state"
        data-state={state.appeal}
        className={`pill pill-${state.appeal}`}
      >
        {jump(state.appealEventId, t(`appeal.${state.appeal}`))}
      </p>
    </section>
  );
}
