// The street officer's work on a case: register the subject (personal data
// typed once, sealed by the service, never shown back), remind, warn with
// evidence, propose a penalty with the published discretion range beside the
// amount, add evidence to a step; the case's decisions link to their page.
import { useEffect, useMemo, useState } from 'react';
import { useAuth } from '../../auth';
import type { CaseArea, HistoryDecision, TimelineEntry } from '../../api/types';
import {
  CIRCUMSTANCES,
  getEnforcement,
  getStandard,
  type Circumstance,
  type EnforcementStepView,
  type StandardVersion,
} from '../../api/work-reads';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { mayUse } from '../../lib/permissions';
import { Link } from '../../router';
import {
  ChangedNote,
  emptyEvidence,
  evidenceBody,
  EvidenceFields,
  PlaceFields,
  placeBody,
  useFields,
  useWork,
  wholeNumber,
  WorkSection,
  type EvidenceValues,
  type PlaceValues,
} from './work-kit';

const SUBJECT_REGISTERED = 'street.subject.registered.v1';

/** The subjects registered on the case: their pseudonymous id and the masked label of the timeline. */
export function caseSubjects(entries: readonly TimelineEntry[]) {
  return entries
    .filter((e) => e.type === SUBJECT_REGISTERED && e.streamId.startsWith('street-subject-'))
    .map((e) => ({ subjectId: e.streamId.slice('street-subject-'.length), label: e.summary }));
}

export function StreetEnforcementPanel({
  caseId,
  category,
  location,
  entries,
  decisions,
  reload,
}: {
  caseId: string;
  category: string | undefined;
  location: CaseArea | undefined;
  entries: readonly TimelineEntry[];
  decisions: readonly HistoryDecision[];
  reload: () => void;
}) {
  const { t } = useI18n();
  const { identity } = useAuth();
  const [registered, setRegistered] = useState<string[]>([]);
  const subjects = useMemo(() => {
    const known = caseSubjects(entries);
    for (const id of registered)
      if (!known.some((s) => s.subjectId === id))
        known.push({
          subjectId: id,
          label: t('ew.subject.justRegistered', { id: id.slice(0, 8) }),
        });
    return known;
  }, [entries, registered, t]);
  const [subjectId, setSubjectId] = useState('');
  const [enforcementCategory, setCategory] = useState(category ?? '');
  const chosen = subjectId || subjects[0]?.subjectId || '';
  const place: PlaceValues = {
    street: location?.street ?? '',
    community: location?.community ?? '',
    grid: location?.grid ?? '',
    description: '',
  };

  const can = {
    register: mayUse(identity, 'RegisterSubject'),
    remind: mayUse(identity, 'IssueReminder'),
    warn: mayUse(identity, 'IssueWarning'),
    penalise: mayUse(identity, 'ProposePenalty'),
    evidence: mayUse(identity, 'RecordStepEvidence'),
  };
  if (!Object.values(can).some(Boolean))
    // A legal reviewer does no enforcement, but reviews the case's drafts and records
    // appeal outcomes: the decisions' pages are reached from here as from the queue.
    return DECISION_WORK.some((command) => mayUse(identity, command)) ? (
      <WorkSection id="street-decisions" title={t('ew.decisions')}>
        <CaseDecisionList decisions={decisions} heading={false} />
      </WorkSection>
    ) : null;

  return (
    <WorkSection id="street-work" title={t('ew.title')}>
      {can.register && (
        <RegisterSubjectForm
          caseId={caseId}
          reload={reload}
          onRegistered={(id) => {
            setRegistered((r) => [...r, id]);
            setSubjectId(id);
          }}
        />
      )}
      <div className="work-form" data-testid="enforcement-target">
        <h3>{t('ew.target')}</h3>
        <div className="field">
          <label htmlFor="ew-subject">{t('ew.subject')}</label>
          <select
            id="ew-subject"
            data-testid="subject-select"
            value={chosen}
            onChange={(e) => setSubjectId(e.target.value)}
          >
            {subjects.length === 0 && <option value="">{t('ew.subject.none')}</option>}
            {subjects.map((s) => (
              <option key={s.subjectId} value={s.subjectId}>
                {s.label} · {s.subjectId.slice(0, 8)}
              </option>
            ))}
          </select>
          <span className="muted small">{t('ew.subject.masked')}</span>
        </div>
        <div className="field">
          <label htmlFor="ew-category">{t('ew.category')}</label>
          <input
            id="ew-category"
            data-testid="enforcement-category"
            value={enforcementCategory}
            onChange={(e) => setCategory(e.target.value.trim())}
          />
        </div>
      </div>
      {can.remind && (
        <StepForm
          kind="reminder"
          caseId={caseId}
          subjectId={chosen}
          category={enforcementCategory}
          place={place}
          reload={reload}
        />
      )}
      {can.warn && (
        <StepForm
          kind="warning"
          caseId={caseId}
          subjectId={chosen}
          category={enforcementCategory}
          place={place}
          reload={reload}
        />
      )}
      {can.penalise && (
        <ProposePenaltyForm
          caseId={caseId}
          subjectId={chosen}
          category={enforcementCategory}
          place={place}
          reload={reload}
        />
      )}
      {can.evidence && chosen && enforcementCategory && (
        <StepEvidenceForm
          subjectId={chosen}
          category={enforcementCategory}
          place={place}
          reload={reload}
          entries={entries.length}
        />
      )}
      <CaseDecisionList decisions={decisions} />
    </WorkSection>
  );
}

/** The commands done on a decision's page (pages/work/DecisionPage). */
const DECISION_WORK = [
  'ReviseDraft',
  'RequestReview',
  'ApproveDraft',
  'ReturnDraft',
  'IssueDecision',
  'PublishDecision',
  'RetractPublicity',
  'FileAppeal',
  'RecordAppealOutcome',
  'RecordDecisionEvidence',
] as const;

/** The case's penalty decisions, each a link to its page (where the work on it is done). */
function CaseDecisionList({
  decisions,
  heading = true,
}: {
  decisions: readonly HistoryDecision[];
  /** Its own heading, unless the section's says it already. */
  heading?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="work-form" data-testid="case-decisions">
      {heading && <h3>{t('ew.decisions')}</h3>}
      {decisions.length === 0 ? (
        <p className="muted">{t('ew.decisions.none')}</p>
      ) : (
        <ul>
          {decisions.map((d) => (
            <li key={d.decisionId}>
              <Link
                to={`/decisions/${d.decisionId}`}
                data-testid="decision-link"
                data-decision-id={d.decisionId}
              >
                {t('ew.decision.label', {
                  id: d.decisionId.slice(0, 8),
                  amount: d.amountYuan,
                  status: t(`ew.status.${d.status === 'proposed' ? 'drafted' : d.status}`),
                })}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function RegisterSubjectForm({
  caseId,
  reload,
  onRegistered,
}: {
  caseId: string;
  reload: () => void;
  onRegistered: (subjectId: string) => void;
}) {
  const { t } = useI18n();
  const f = useFields({ kind: 'person', name: '', identifier: '', contact: '' });
  const command = useWork<{ subjectId: string }>('street', 'subjects', reload, (r) => {
    // The personal data goes once, to be sealed: the form forgets it at once.
    f.reset();
    onRegistered(r.subjectId);
  });
  const body = () => ({
    caseId,
    kind: f.values.kind,
    name: f.values.name.trim(),
    identifier: f.values.identifier.trim(),
    ...(f.values.contact.trim() ? { contact: f.values.contact.trim() } : {}),
  });
  return (
    <CommandForm
      name="register-subject"
      title={t('ew.register.title')}
      command={command}
      onSubmit={() => void command.submit(body())}
      submitLabel={t('ew.register.submit')}
      recordedText={
        command.result
          ? t('ew.register.recorded', { id: command.result.subjectId.slice(0, 8) })
          : undefined
      }
      changed={<ChangedNote />}
    >
      <p className="muted small">{t('ew.register.sealed')}</p>
      <Field label={t('ew.register.kind')} name="kind" refusal={command.refusal}>
        <select data-testid="register-kind" value={f.values.kind} onChange={f.on('kind')}>
          <option value="person">{t('ew.register.kind.person')}</option>
          <option value="business">{t('ew.register.kind.business')}</option>
        </select>
      </Field>
      <Field label={t('ew.register.name')} name="name" refusal={command.refusal}>
        <input
          data-testid="register-name"
          autoComplete="off"
          value={f.values.name}
          onChange={f.on('name')}
        />
      </Field>
      <Field label={t('ew.register.identifier')} name="identifier" refusal={command.refusal}>
        <input
          data-testid="register-identifier"
          autoComplete="off"
          value={f.values.identifier}
          onChange={f.on('identifier')}
        />
      </Field>
      <Field label={t('ew.register.contact')} name="contact" refusal={command.refusal}>
        <input
          data-testid="register-contact"
          autoComplete="off"
          value={f.values.contact}
          onChange={f.on('contact')}
        />
      </Field>
    </CommandForm>
  );
}

/** A reminder (kind `reminder`) or a warning with evidence (kind `warning`). */
function StepForm({
  kind,
  caseId,
  subjectId,
  category,
  place: initialPlace,
  reload,
}: {
  kind: 'reminder' | 'warning';
  caseId: string;
  subjectId: string;
  category: string;
  place: PlaceValues;
  reload: () => void;
}) {
  const { t } = useI18n();
  const name = kind === 'reminder' ? 'issue-reminder' : 'issue-warning';
  const [place, setPlace] = useState(initialPlace);
  const [evidence, setEvidence] = useState<EvidenceValues>(() => emptyEvidence(initialPlace));
  const f = useFields({ explanation: '', legalGround: '' });
  const command = useWork('street', `enforcement/${kind}s`, reload);
  const body = () => ({
    subjectId,
    category,
    caseId,
    place: placeBody(place),
    explanation: f.values.explanation.trim(),
    ...(kind === 'warning'
      ? {
          evidence: [evidenceBody(evidence)],
          ...(f.values.legalGround.trim()
            ? { serious: { legalGround: f.values.legalGround.trim() } }
            : {}),
        }
      : {}),
  });
  return (
    <CommandForm
      name={name}
      title={t(kind === 'reminder' ? 'ew.reminder.title' : 'ew.warning.title')}
      command={command}
      onSubmit={() => void command.submit(body())}
      submitLabel={t(kind === 'reminder' ? 'ew.reminder.submit' : 'ew.warning.submit')}
      changed={<ChangedNote />}
    >
      <Field label={t('ew.explanation')} name="explanation" refusal={command.refusal}>
        <textarea
          data-testid={`${name}-explanation`}
          value={f.values.explanation}
          onChange={f.on('explanation')}
        />
      </Field>
      <PlaceFields
        value={place}
        onChange={setPlace}
        refusal={command.refusal}
        prefix="place"
        testId={`${name}-place`}
      />
      {kind === 'warning' && (
        <>
          <EvidenceFields
            value={evidence}
            onChange={setEvidence}
            refusal={command.refusal}
            prefix="evidence.0"
            testId={`${name}-evidence`}
          />
          <Field
            label={t('ew.serious')}
            name="serious.legalGround"
            refusal={command.refusal}
            hint={t('ew.serious.hint')}
          >
            <input
              data-testid={`${name}-legal-ground`}
              value={f.values.legalGround}
              onChange={f.on('legalGround')}
            />
          </Field>
        </>
      )}
    </CommandForm>
  );
}

/** The category's published standard (undefined while unknown, null when none is published). */
export function useStandard(category: string) {
  const [standard, setStandard] = useState<StandardVersion | null | undefined>(undefined);
  useEffect(() => {
    setStandard(undefined);
    if (!/^[a-z][a-z0-9-]{1,63}$/.test(category)) return undefined;
    const controller = new AbortController();
    getStandard(category, { signal: controller.signal })
      .then((s) => setStandard(s.current))
      .catch(() => {
        if (!controller.signal.aborted) setStandard(null);
      });
    return () => controller.abort();
  }, [category]);
  return standard;
}

/** The published range beside the amount: the officer sees what the standard allows before sending. */
export function DiscretionRangeNote({
  standard,
  circumstance,
}: {
  standard: StandardVersion | null | undefined;
  circumstance: string;
}) {
  const { t } = useI18n();
  if (standard === undefined) return <span className="muted small">{t('ew.range.loading')}</span>;
  const range = standard?.ranges.find((r) => r.circumstance === circumstance);
  if (!standard || !range)
    return (
      <span className="muted small" data-testid="discretion-range" data-state="missing">
        {standard ? t('ew.range.noRange', { version: standard.version }) : t('ew.range.none')}
      </span>
    );
  return (
    <span
      className="range-note"
      data-testid="discretion-range"
      data-min={range.minYuan}
      data-max={range.maxYuan}
      data-version={standard.version}
    >
      {t('ew.range', { min: range.minYuan, max: range.maxYuan, version: standard.version })}
    </span>
  );
}

/** Circumstance, amount (with the range beside it), measure, facts and legal basis of a draft. */
export function PenaltyFields({
  f,
  refusal,
  standard,
  prefix = 'penalty',
}: {
  f: ReturnType<typeof useFields<'circumstance' | 'amount' | 'measure' | 'facts' | 'legalBasis'>>;
  refusal: Parameters<typeof Field>[0]['refusal'];
  standard: StandardVersion | null | undefined;
  prefix?: string;
}) {
  const { t } = useI18n();
  return (
    <>
      <Field label={t('ew.circumstance')} name={`${prefix}.circumstance`} refusal={refusal}>
        <select
          data-testid="penalty-circumstance"
          value={f.values.circumstance}
          onChange={f.on('circumstance')}
        >
          {CIRCUMSTANCES.map((c) => (
            <option key={c} value={c}>
              {t(`ew.circumstance.${c}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label={t('ew.amount')}
        name={`${prefix}.amountYuan`}
        refusal={refusal}
        hint={<DiscretionRangeNote standard={standard} circumstance={f.values.circumstance} />}
      >
        <input
          inputMode="numeric"
          data-testid="penalty-amount"
          value={f.values.amount}
          onChange={f.on('amount')}
        />
      </Field>
      <Field label={t('ew.measure')} name={`${prefix}.additionalMeasure`} refusal={refusal}>
        <select data-testid="penalty-measure" value={f.values.measure} onChange={f.on('measure')}>
          <option value="">{t('ew.measure.none')}</option>
          <option value="licence-revocation">{t('ew.measure.licence-revocation')}</option>
          <option value="closure">{t('ew.measure.closure')}</option>
        </select>
      </Field>
      <Field label={t('ew.facts')} name="facts" refusal={refusal}>
        <textarea data-testid="penalty-facts" value={f.values.facts} onChange={f.on('facts')} />
      </Field>
      <Field label={t('ew.legalBasis')} name="legalBasis" refusal={refusal}>
        <input
          data-testid="penalty-legal-basis"
          value={f.values.legalBasis}
          onChange={f.on('legalBasis')}
        />
      </Field>
    </>
  );
}

export const penaltyTerms = (v: { circumstance: string; amount: string; measure: string }) => ({
  circumstance: v.circumstance as Circumstance,
  amountYuan: wholeNumber(v.amount),
  ...(v.measure ? { additionalMeasure: v.measure } : {}),
});

function ProposePenaltyForm({
  caseId,
  subjectId,
  category,
  place,
  reload,
}: {
  caseId: string;
  subjectId: string;
  category: string;
  place: PlaceValues;
  reload: () => void;
}) {
  const { t } = useI18n();
  const f = useFields({
    circumstance: 'first-offence',
    amount: '',
    measure: '',
    facts: '',
    legalBasis: '',
  });
  const [evidence, setEvidence] = useState<EvidenceValues>(() => emptyEvidence(place));
  const [legalGround, setLegalGround] = useState('');
  const standard = useStandard(category);
  const command = useWork<{ decisionId: string; major: boolean }>(
    'street',
    'enforcement/penalties',
    reload,
  );
  const body = () => ({
    subjectId,
    category,
    caseId,
    penalty: penaltyTerms(f.values),
    facts: f.values.facts.trim(),
    legalBasis: f.values.legalBasis.trim(),
    evidence: [evidenceBody(evidence)],
    ...(legalGround.trim() ? { serious: { legalGround: legalGround.trim() } } : {}),
  });
  const result = command.result;
  return (
    <CommandForm
      name="propose-penalty"
      title={t('ew.penalty.title')}
      command={command}
      onSubmit={() => void command.submit(body())}
      submitLabel={t('ew.penalty.submit')}
      recordedText={
        result
          ? t(result.major ? 'ew.penalty.recordedMajor' : 'ew.penalty.recorded', {
              id: result.decisionId.slice(0, 8),
            })
          : undefined
      }
      changed={<ChangedNote />}
    >
      <PenaltyFields f={f} refusal={command.refusal} standard={standard} />
      <EvidenceFields
        value={evidence}
        onChange={setEvidence}
        refusal={command.refusal}
        prefix="evidence.0"
        testId="propose-penalty-evidence"
      />
      <Field
        label={t('ew.serious')}
        name="serious.legalGround"
        refusal={command.refusal}
        hint={t('ew.serious.hint')}
      >
        <input value={legalGround} onChange={(e) => setLegalGround(e.target.value)} />
      </Field>
      {result && (
        <Link to={`/decisions/${result.decisionId}`} data-testid="proposed-decision-link">
          {t('ew.penalty.open')}
        </Link>
      )}
    </CommandForm>
  );
}

function StepEvidenceForm({
  subjectId,
  category,
  place,
  reload,
  entries,
}: {
  subjectId: string;
  category: string;
  place: PlaceValues;
  reload: () => void;
  /** The timeline's length: new entries may be new steps. */
  entries: number;
}) {
  const { t, dateTime } = useI18n();
  const [steps, setSteps] = useState<EnforcementStepView[]>([]);
  const [stepId, setStepId] = useState('');
  const [evidence, setEvidence] = useState<EvidenceValues>(() => emptyEvidence(place));
  useEffect(() => {
    const controller = new AbortController();
    getEnforcement(subjectId, category, { signal: controller.signal })
      .then((view) => setSteps(view.steps))
      .catch(() => setSteps([]));
    return () => controller.abort();
  }, [subjectId, category, entries]);
  const chosen = stepId || steps[steps.length - 1]?.stepId || '';
  const command = useWork(
    'street',
    `enforcement/${subjectId}/${category}/steps/${chosen}/evidence`,
    reload,
  );
  if (steps.length === 0) return null;
  return (
    <CommandForm
      name="record-step-evidence"
      title={t('ew.stepEvidence.title')}
      command={command}
      onSubmit={() => void command.submit(evidenceBody(evidence))}
      submitLabel={t('ew.stepEvidence.submit')}
      changed={<ChangedNote />}
    >
      <div className="field">
        <label htmlFor="ew-step">{t('ew.stepEvidence.step')}</label>
        <select
          id="ew-step"
          data-testid="step-select"
          value={chosen}
          onChange={(e) => setStepId(e.target.value)}
        >
          {steps.map((s) => (
            <option key={s.stepId} value={s.stepId}>
              {t(`ew.step.${s.kind}`)} · {dateTime(s.issuedAt)}
            </option>
          ))}
        </select>
      </div>
      <EvidenceFields
        value={evidence}
        onChange={setEvidence}
        refusal={command.refusal}
        prefix=""
        testId="step-evidence"
      />
    </CommandForm>
  );
}
