// The case page's side panels: assignments with deadlines, the 721 progression,
// evidence digests, publicity and appeal.
import { useEffect, useState } from 'react';
import { evidenceAccesses, openEvidenceFile, type EvidenceAccess } from '../api/evidence';
import type { EvidenceItem } from '../api/types';
import { useAuth } from '../auth';
import { kilobytes } from './EvidenceFileInput';
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

/** Who may open a case's evidence files (the street service decides; this only hides the button). */
function mayOpenFiles(roles: readonly string[], agency: string | undefined): boolean {
  if (roles.includes('coordinator')) return true;
  return agency === 'street' && (roles.includes('officer') || roles.includes('legal-reviewer'));
}

/** One evidence file: opened in a new tab from a blob, fetched and checked by the service. */
function OpenFile({ caseId, item }: { caseId: string; item: EvidenceItem }) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'opening' | { refused: string }>('idle');
  const open = async () => {
    setState('opening');
    try {
      const blob = await openEvidenceFile(caseId, item.evidenceId);
      const url = URL.createObjectURL(blob);
      window.open(url, '_blank', 'noopener');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState('idle');
    } catch (error) {
      setState({ refused: (error as Error).message });
    }
  };
  return (
    <>
      <button
        type="button"
        className="button secondary small"
        data-testid="evidence-open"
        data-evidence-id={item.evidenceId}
        disabled={state === 'opening'}
        onClick={() => void open()}
      >
        {state === 'opening' ? t('case.evidenceOpening') : t('case.evidenceOpen')}
      </button>
      {typeof state === 'object' && (
        <span className="error small" role="alert" data-testid="evidence-open-refused">
          {t('case.evidenceRefused', { reason: state.refused })}
        </span>
      )}
    </>
  );
}

export function Evidence({
  items,
  caseId,
}: {
  items: readonly EvidenceItem[] | undefined;
  caseId: string;
}) {
  const { t, dateTime } = useI18n();
  const kindLabel = (kind: string) => {
    const known = (['photo', 'video', 'statement', 'document'] as const).find((k) => k === kind);
    return known ? t(`ew.evidence.kind.${known}`) : kind;
  };
  const { identity } = useAuth();
  const custodian = mayOpenFiles(identity?.roles ?? [], identity?.agency);
  const [accesses, setAccesses] = useState<readonly EvidenceAccess[] | undefined>(undefined);
  const withFiles = (items ?? []).some((e) => e.file);
  useEffect(() => {
    if (!custodian || !withFiles) return;
    const controller = new AbortController();
    evidenceAccesses(caseId)
      .then((found) => !controller.signal.aborted && setAccesses(found))
      .catch(() => undefined);
    return () => controller.abort();
  }, [caseId, custodian, withFiles]);
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
              <li key={`${e.eventId}-${e.evidenceId}`} data-testid="evidence-item">
                <code
                  data-testid="evidence-digest"
                  title={e.sha256}
                  className="digest"
                  tabIndex={0}
                >
                  {e.sha256.slice(0, 12)}…
                </code>{' '}
                <span>{kindLabel(e.kind)}</span>{' '}
                <time className="muted small" dateTime={e.capturedAt}>
                  {dateTime(e.capturedAt)}
                </time>
                {e.file && (
                  <>
                    {' '}
                    <span className="muted small" data-testid="evidence-file">
                      {t('case.evidenceFile', {
                        type: e.file.contentType,
                        size: kilobytes(e.file.size),
                      })}
                    </span>{' '}
                    {custodian && <OpenFile caseId={caseId} item={e} />}
                  </>
                )}
              </li>
            ))}
          </ul>
          <p className="muted small">{t('case.evidenceAudited')}</p>
          {accesses && accesses.length > 0 && (
            <details data-testid="evidence-accesses">
              <summary>{t('case.evidenceAccesses')}</summary>
              <ul className="small">
                {accesses.map((a) => (
                  <li key={a.accessId} data-testid="evidence-access">
                    {t('case.evidenceAccess', {
                      who: a.principalId,
                      agency: a.agency ?? '—',
                      at: dateTime(a.accessedAt),
                      outcome: a.outcome,
                    })}
                  </li>
                ))}
              </ul>
            </details>
          )}
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
