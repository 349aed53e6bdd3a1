// One penalty decision (/decisions/:decisionId): its draft, the range it was
// checked against, review, publicity and appeal, and the forms the person's
// role and the decision's state allow. A legal reviewer is never offered the
// review of a draft they wrote (the service refuses it too: reviewer-is-drafter).
import { useCallback, useEffect, useState } from 'react';
import { useAuth } from '../../auth';
import { CommandRefused } from '../../api/commands';
import { getDecision, type Decision } from '../../api/work-reads';
import { CommandForm, Field, RefusalNotice } from '../../components/CommandForm';
import { Loading } from '../../components/Status';
import { useI18n } from '../../i18n';
import { mayUse } from '../../lib/permissions';
import { Link } from '../../router';
import {
  ChangedNote,
  emptyEvidence,
  evidenceBody,
  EvidenceFields,
  useFields,
  useWork,
  WorkSection,
  type EvidenceValues,
} from './work-kit';
import { PenaltyFields, penaltyTerms, useStandard } from './StreetEnforcementPanel';

export function DecisionPage({ decisionId }: { decisionId: string }) {
  const { t } = useI18n();
  const { identity } = useAuth();
  const [decision, setDecision] = useState<Decision | undefined>(undefined);
  const [failure, setFailure] = useState<CommandRefused | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    getDecision(decisionId, { signal: controller.signal })
      .then((d) => {
        setDecision(d);
        setFailure(undefined);
      })
      .catch((error: unknown) => {
        if (error instanceof CommandRefused) setFailure(error);
      });
    return () => controller.abort();
  }, [decisionId, generation]);

  if (failure && !decision)
    return (
      <div className="page" data-testid="decision-page">
        <h1 tabIndex={-1}>{t('ew.decision.title', { id: decisionId.slice(0, 8) })}</h1>
        <RefusalNotice name="decision" refusal={failure.refusal} />
      </div>
    );
  if (!decision) return <Loading />;

  const me = identity?.sub ?? '';
  const drafter = decision.drafters.includes(me);
  const s = decision.status;
  const path = (action: string) => `decisions/${decisionId}/${action}`;
  const offer = {
    revise: mayUse(identity, 'ReviseDraft') && (s === 'drafted' || s === 'returned'),
    requestReview: mayUse(identity, 'RequestReview') && s === 'drafted',
    review: mayUse(identity, 'ApproveDraft') && s === 'review-requested' && !drafter,
    issue:
      mayUse(identity, 'IssueDecision') &&
      ((s === 'drafted' && !decision.major) || s === 'approved'),
    publish:
      mayUse(identity, 'PublishDecision') && s === 'issued' && decision.publicity === 'unpublished',
    retract: mayUse(identity, 'RetractPublicity') && decision.publicity === 'published',
    appeal: mayUse(identity, 'FileAppeal') && s === 'issued' && decision.appeal === 'none',
    outcome: mayUse(identity, 'RecordAppealOutcome') && decision.appeal === 'pending',
    evidence: mayUse(identity, 'RecordDecisionEvidence') && s !== 'revoked',
  };

  return (
    <div className="page" data-testid="decision-page" data-decision-id={decisionId} data-status={s}>
      <Link to={`/cases/${decision.caseId}`} className="small" data-testid="decision-case-link">
        ← {t('ew.decision.case', { id: decision.caseId.slice(0, 8) })}
      </Link>
      <h1 tabIndex={-1}>{t('ew.decision.title', { id: decisionId.slice(0, 8) })}</h1>
      <section className="panel" aria-label={t('ew.decision.facts')}>
        <dl className="facts facts-grid">
          <div>
            <dt>{t('ew.decision.status')}</dt>
            <dd data-testid="decision-status" data-status={s}>
              {t(`ew.status.${s}`)}
            </dd>
          </div>
          <div>
            <dt>{t('ew.decision.draft')}</dt>
            <dd>{decision.draft}</dd>
          </div>
          <div>
            <dt>{t('ew.amount')}</dt>
            <dd data-testid="decision-amount">
              {decision.penalty.amountYuan} ·{' '}
              {t(`ew.circumstance.${decision.penalty.circumstance}`)}
              {decision.penalty.additionalMeasure &&
                ` · ${t(`ew.measure.${decision.penalty.additionalMeasure}`)}`}
            </dd>
          </div>
          <div>
            <dt>{t('ew.decision.range')}</dt>
            <dd>
              {t('ew.range', {
                min: decision.checkedAgainst.minYuan,
                max: decision.checkedAgainst.maxYuan,
                version: decision.checkedAgainst.version,
              })}
            </dd>
          </div>
          <div>
            <dt>{t('ew.decision.major')}</dt>
            <dd data-testid="decision-major">
              {decision.major ? t('ew.decision.majorYes') : t('ew.decision.majorNo')}
            </dd>
          </div>
          <div>
            <dt>{t('ew.decision.drafters')}</dt>
            <dd>{decision.drafters.join('、')}</dd>
          </div>
          <div>
            <dt>{t('ew.decision.publicity')}</dt>
            <dd data-testid="decision-publicity" data-state={decision.publicity}>
              {t(`ew.publicity.${decision.publicity}`)}
            </dd>
          </div>
          <div>
            <dt>{t('ew.decision.appeal')}</dt>
            <dd data-testid="decision-appeal" data-state={decision.appeal}>
              {t(`ew.appeal.${decision.appeal}`)}
            </dd>
          </div>
        </dl>
        {s === 'returned' && decision.returnReasons && (
          <p className="banner warn" data-testid="return-reasons">
            {t('ew.decision.returned', { reasons: decision.returnReasons.join('；') })}
          </p>
        )}
        {s === 'review-requested' && drafter && mayUse(identity, 'ApproveDraft') && (
          <p className="banner" data-testid="own-draft-note">
            {t('ew.review.ownDraft')}
          </p>
        )}
      </section>

      <WorkSection id="decision-work" title={t('ew.decision.work')}>
        {offer.review && <ReviewForms path={path} reload={reload} />}
        {offer.revise && <ReviseDraftForm decision={decision} path={path} reload={reload} />}
        {offer.requestReview && (
          <ActionForm name="request-review" action="review-requests" path={path} reload={reload} />
        )}
        {offer.issue && (
          <ActionForm name="issue-decision" action="issue" path={path} reload={reload} />
        )}
        {offer.publish && (
          <ActionForm name="publish-decision" action="publish" path={path} reload={reload} />
        )}
        {offer.retract && (
          <ReasonForm name="retract-publicity" action="retract" path={path} reload={reload} />
        )}
        {offer.appeal && <AppealForm path={path} reload={reload} />}
        {offer.outcome && <AppealOutcomeForm decision={decision} path={path} reload={reload} />}
        {offer.evidence && <DecisionEvidenceForm path={path} reload={reload} />}
        {!Object.values(offer).some(Boolean) && (
          <p className="muted" data-testid="decision-nothing">
            {t('ew.decision.nothing')}
          </p>
        )}
      </WorkSection>
    </div>
  );
}

type PathOf = (action: string) => string;

/** A command without a body: request review, issue, publish. */
function ActionForm({
  name,
  action,
  path,
  reload,
}: {
  name: 'request-review' | 'issue-decision' | 'publish-decision';
  action: string;
  path: PathOf;
  reload: () => void;
}) {
  const { t } = useI18n();
  const command = useWork('street', path(action), reload);
  return (
    <CommandForm
      name={name}
      title={t(`ew.${name}.title`)}
      command={command}
      onSubmit={() => void command.submit({})}
      submitLabel={t(`ew.${name}.submit`)}
      changed={<ChangedNote />}
    >
      <p className="muted small">{t(`ew.${name}.hint`)}</p>
    </CommandForm>
  );
}

function ReasonForm({
  name,
  action,
  path,
  reload,
}: {
  name: 'retract-publicity';
  action: string;
  path: PathOf;
  reload: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const command = useWork('street', path(action), reload);
  return (
    <CommandForm
      name={name}
      title={t(`ew.${name}.title`)}
      command={command}
      onSubmit={() => void command.submit({ reason: reason.trim() })}
      submitLabel={t(`ew.${name}.submit`)}
      changed={<ChangedNote />}
    >
      <Field label={t('ew.reason')} name="reason" refusal={command.refusal}>
        <textarea
          data-testid={`${name}-reason`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
    </CommandForm>
  );
}

function ReviewForms({ path, reload }: { path: PathOf; reload: () => void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [reasons, setReasons] = useState('');
  const approve = useWork('street', path('approve'), reload);
  const back = useWork('street', path('return'), reload);
  return (
    <>
      <CommandForm
        name="approve-draft"
        title={t('ew.approve.title')}
        command={approve}
        onSubmit={() => void approve.submit(note.trim() ? { note: note.trim() } : {})}
        submitLabel={t('ew.approve.submit')}
        changed={<ChangedNote />}
      >
        <Field label={t('ew.approve.note')} name="note" refusal={approve.refusal}>
          <textarea
            data-testid="approve-note"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </Field>
      </CommandForm>
      <CommandForm
        name="return-draft"
        title={t('ew.return.title')}
        command={back}
        onSubmit={() =>
          void back.submit({
            reasons: reasons
              .split('\n')
              .map((r) => r.trim())
              .filter(Boolean),
          })
        }
        submitLabel={t('ew.return.submit')}
        changed={<ChangedNote />}
      >
        <Field
          label={t('ew.return.reasons')}
          name="reasons"
          refusal={back.refusal}
          hint={t('ew.return.hint')}
        >
          <textarea
            data-testid="return-reasons-input"
            value={reasons}
            onChange={(e) => setReasons(e.target.value)}
          />
        </Field>
      </CommandForm>
    </>
  );
}

function ReviseDraftForm({
  decision,
  path,
  reload,
}: {
  decision: Decision;
  path: PathOf;
  reload: () => void;
}) {
  const { t } = useI18n();
  const f = useFields({
    circumstance: decision.penalty.circumstance,
    amount: String(decision.penalty.amountYuan),
    measure: decision.penalty.additionalMeasure ?? '',
    facts: '',
    legalBasis: '',
  });
  const standard = useStandard(decision.category);
  const command = useWork('street', path('revisions'), reload);
  return (
    <CommandForm
      name="revise-draft"
      title={t('ew.revise.title')}
      command={command}
      onSubmit={() =>
        void command.submit({
          penalty: penaltyTerms(f.values),
          facts: f.values.facts.trim(),
          legalBasis: f.values.legalBasis.trim(),
        })
      }
      submitLabel={t('ew.revise.submit')}
      changed={<ChangedNote />}
    >
      <PenaltyFields f={f} refusal={command.refusal} standard={standard} />
    </CommandForm>
  );
}

function AppealForm({ path, reload }: { path: PathOf; reload: () => void }) {
  const { t } = useI18n();
  const f = useFields({ appellant: 'subject', grounds: '' });
  const command = useWork('street', path('appeals'), reload);
  return (
    <CommandForm
      name="file-appeal"
      title={t('ew.appeal.title')}
      command={command}
      onSubmit={() =>
        void command.submit({ appellant: f.values.appellant, grounds: f.values.grounds.trim() })
      }
      submitLabel={t('ew.appeal.submit')}
      changed={<ChangedNote />}
    >
      <Field label={t('ew.appeal.appellant')} name="appellant" refusal={command.refusal}>
        <select
          data-testid="appeal-appellant"
          value={f.values.appellant}
          onChange={f.on('appellant')}
        >
          <option value="subject">{t('ew.appeal.appellant.subject')}</option>
          <option value="representative">{t('ew.appeal.appellant.representative')}</option>
        </select>
      </Field>
      <Field label={t('ew.appeal.grounds')} name="grounds" refusal={command.refusal}>
        <textarea
          data-testid="appeal-grounds"
          value={f.values.grounds}
          onChange={f.on('grounds')}
        />
      </Field>
    </CommandForm>
  );
}

function AppealOutcomeForm({
  decision,
  path,
  reload,
}: {
  decision: Decision;
  path: PathOf;
  reload: () => void;
}) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState('upheld');
  const [reasons, setReasons] = useState('');
  const f = useFields({
    circumstance: decision.penalty.circumstance,
    amount: String(decision.penalty.amountYuan),
    measure: decision.penalty.additionalMeasure ?? '',
    facts: '',
    legalBasis: '',
  });
  const standard = useStandard(decision.category);
  const command = useWork('street', path('appeal-outcome'), reload);
  return (
    <CommandForm
      name="record-appeal-outcome"
      title={t('ew.outcome.title')}
      command={command}
      onSubmit={() =>
        void command.submit({
          outcome,
          reasons: reasons.trim(),
          ...(outcome === 'changed' ? { penalty: penaltyTerms(f.values) } : {}),
        })
      }
      submitLabel={t('ew.outcome.submit')}
      changed={<ChangedNote />}
    >
      <Field label={t('ew.outcome.outcome')} name="outcome" refusal={command.refusal}>
        <select
          data-testid="appeal-outcome"
          value={outcome}
          onChange={(e) => setOutcome(e.target.value)}
        >
          <option value="upheld">{t('ew.appeal.upheld')}</option>
          <option value="changed">{t('ew.appeal.changed')}</option>
          <option value="revoked">{t('ew.appeal.revoked')}</option>
        </select>
      </Field>
      <Field label={t('ew.outcome.reasons')} name="reasons" refusal={command.refusal}>
        <textarea
          data-testid="appeal-outcome-reasons"
          value={reasons}
          onChange={(e) => setReasons(e.target.value)}
        />
      </Field>
      {outcome === 'changed' && (
        <PenaltyFields f={f} refusal={command.refusal} standard={standard} />
      )}
    </CommandForm>
  );
}

function DecisionEvidenceForm({ path, reload }: { path: PathOf; reload: () => void }) {
  const place = { street: '', community: '', grid: '', description: '' };
  const { t } = useI18n();
  const [evidence, setEvidence] = useState<EvidenceValues>(() => emptyEvidence(place));
  const command = useWork('street', path('evidence'), reload);
  return (
    <CommandForm
      name="record-decision-evidence"
      title={t('ew.decisionEvidence.title')}
      command={command}
      onSubmit={() => void command.submit(evidenceBody(evidence))}
      submitLabel={t('ew.stepEvidence.submit')}
      changed={<ChangedNote />}
    >
      <EvidenceFields
        value={evidence}
        onChange={setEvidence}
        refusal={command.refusal}
        prefix=""
        testId="decision-evidence"
      />
    </CommandForm>
  );
}
