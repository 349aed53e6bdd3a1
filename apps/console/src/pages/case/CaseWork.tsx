// The case page's work panel: the SWC coordinator's forms for the case's state
// (triage; assign, risk level, mode; verify; feedback and close; reopen), shown
// only to the roles allowed (lib/command-access.ts). The forms decide on the
// SWC's own view of the case and send its revision as If-Match; a 409 reloads
// the case and each form lists what was recorded meanwhile.
import { useCallback, useEffect, useState } from 'react';
import { CommandRefused, readAgency } from '../../api/commands';
import type { TimelineEntry } from '../../api/types';
import { useAuth } from '../../auth';
import { useI18n } from '../../i18n';
import { mayUse } from '../../lib/permissions';
import { AssignAgencyForm } from './AssignAgencyForm';
import { ChangeRiskLevelForm } from './ChangeRiskLevelForm';
import { CloseCaseForm } from './CloseCaseForm';
import { IssueWork } from './IssueWork';
import { RecordFeedbackForm } from './RecordFeedbackForm';
import { ReopenCaseForm } from './ReopenCaseForm';
import { SwitchModeForm } from './SwitchModeForm';
import { TriageCaseForm } from './TriageCaseForm';
import { VerifyOutcomeForm } from './VerifyOutcomeForm';
import type { CaseFormProps, SwcCase } from './work';

const RETRY_MS = 800;

export function CaseWork({
  caseId,
  category,
  entries,
  onChanged,
}: {
  caseId: string;
  category: string | undefined;
  entries: readonly TimelineEntry[];
  /** The page reloads the case and its timeline. */
  onChanged: () => void;
}) {
  const { identity } = useAuth();
  const coordinator = mayUse(identity, 'TriageCase');
  const streetWorker = mayUse(identity, 'AcknowledgeIssue');
  if (!coordinator && !streetWorker) return null;
  return (
    <section className="panel" aria-labelledby="work-title" data-testid="case-work">
      <WorkHeading />
      {coordinator && (
        <SwcWork caseId={caseId} category={category} entries={entries} onChanged={onChanged} />
      )}
      {streetWorker && <IssueWork entries={entries} onChanged={onChanged} />}
    </section>
  );
}

function WorkHeading() {
  const { t } = useI18n();
  return (
    <>
      <h2 id="work-title" className="section-title">
        {t('work.title')}
      </h2>
      <p className="muted small">{t('work.hint')}</p>
    </>
  );
}

function SwcWork({
  caseId,
  category,
  entries,
  onChanged,
}: {
  caseId: string;
  category: string | undefined;
  entries: readonly TimelineEntry[];
  onChanged: () => void;
}) {
  const { t, dateTime, eventType } = useI18n();
  const [swc, setSwc] = useState<SwcCase | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  /** The revision a refused (409) form was based on: entries after it are what changed. */
  const [seen, setSeen] = useState<number | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    readAgency<SwcCase>('swc', `cases/${caseId}`, { signal: controller.signal }).then(
      setSwc,
      (error: unknown) => {
        // A case a report has just opened may not be in the SWC's stream yet.
        if (error instanceof CommandRefused && error.refusal.kind === 'not-found')
          timer = setTimeout(() => setGeneration((g) => g + 1), RETRY_MS);
      },
    );
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [caseId, generation]);

  const onRecorded = useCallback(() => {
    setSeen(undefined);
    setGeneration((g) => g + 1);
    onChanged();
  }, [onChanged]);
  const onConflict = useCallback(() => {
    setSeen((current) => current ?? swc?.revision);
    setGeneration((g) => g + 1);
    onChanged();
  }, [onChanged, swc]);

  if (!swc)
    return (
      <p className="muted" role="status">
        {t('work.caseNotYet')}
      </p>
    );

  const newer = entries.filter(
    (e) => e.streamId === `swc-case-${caseId}` && seen !== undefined && e.revision > seen,
  );
  const changed = (
    <>
      <strong>{t('work.changed.title')}</strong>
      {newer.length > 0 ? (
        <ul className="changed-list">
          {newer.map((e) => (
            <li key={e.eventId} data-testid="changed-entry" data-event-id={e.eventId}>
              <time dateTime={e.time}>{dateTime(e.time)}</time> · {eventType(e.type)} · {e.actor.id}
            </li>
          ))}
        </ul>
      ) : (
        <p className="small">{t('work.changed.waiting')}</p>
      )}
    </>
  );
  const props: CaseFormProps = { swc, onRecorded, onConflict, changed };
  const open = swc.status === 'open';
  return (
    <div
      className="work-panel"
      data-testid="swc-work"
      data-revision={swc.revision}
      data-status={swc.status}
    >
      {open && !swc.triaged && <TriageCaseForm {...props} category={category} />}
      {open && swc.triaged && <AssignAgencyForm {...props} />}
      {open && swc.triaged && !swc.verified && <VerifyOutcomeForm {...props} />}
      {swc.verified && <RecordFeedbackForm {...props} />}
      {open && swc.verified && <CloseCaseForm {...props} />}
      {open && swc.triaged && <ChangeRiskLevelForm {...props} />}
      {open && <SwitchModeForm {...props} />}
      {!open && <ReopenCaseForm {...props} />}
    </div>
  );
}
