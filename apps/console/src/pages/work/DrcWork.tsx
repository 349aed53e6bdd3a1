// The DRC's work: risk warnings (issue, change level, lift) and livelihood
// projects (propose, approve or reject, fund, complete). The page /drc holds
// warnings and projects by id; the case page holds a case's projects
// (DrcCasePanel) beside its DRC assignment.
import { useState, type ChangeEvent } from 'react';
import { useAuth } from '../../auth';
import type { CaseArea, TimelineEntry } from '../../api/types';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { mayUse } from '../../lib/permissions';
import {
  ChangedNote,
  PlaceFields,
  placeBody,
  useFields,
  useWork,
  wholeNumber,
  WorkSection,
} from './work-kit';

const LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
const KINDS = ['price-anomaly', 'tourism-surge', 'project-risk'] as const;
const noop = () => undefined;

export function DrcPage() {
  const { t } = useI18n();
  const { identity } = useAuth();
  const warnings = mayUse(identity, 'IssueRiskWarning');
  const projects =
    mayUse(identity, 'ProposeProject') ||
    mayUse(identity, 'ApproveProject') ||
    mayUse(identity, 'CompleteProject');
  const [projectId, setProjectId] = useState('');
  return (
    <div className="page" data-testid="drc-page">
      <h1 tabIndex={-1}>{t('ew.drc.title')}</h1>
      {!warnings && !projects && (
        <p className="error" role="alert" data-testid="drc-forbidden">
          {t('ew.drc.forbidden')}
        </p>
      )}
      {warnings && (
        <WorkSection id="drc-warnings" title={t('ew.drc.warnings')}>
          <IssueWarningForm />
          <WarningActionForm action="level" />
          <WarningActionForm action="lift" />
        </WorkSection>
      )}
      {projects && (
        <WorkSection id="drc-projects" title={t('ew.drc.projects')}>
          {mayUse(identity, 'ProposeProject') && <ProposeProjectForm reload={noop} />}
          <div className="work-form">
            <h3>{t('ew.drc.projectId')}</h3>
            <div className="field">
              <label htmlFor="drc-project-id">{t('ew.drc.projectId')}</label>
              <input
                id="drc-project-id"
                data-testid="drc-project-id"
                value={projectId}
                onChange={(e) => setProjectId(e.target.value.trim())}
              />
            </div>
          </div>
          {projectId && <ProjectForms projectId={projectId} reload={noop} />}
        </WorkSection>
      )}
    </div>
  );
}

const PROJECT_PROPOSED = 'drc.project.proposed.v1';

/** On a case with a DRC assignment: propose a project for it, and act on its projects. */
export function DrcCasePanel({
  caseId,
  location,
  entries,
  reload,
}: {
  caseId: string;
  location: CaseArea | undefined;
  entries: readonly TimelineEntry[];
  reload: () => void;
}) {
  const { t } = useI18n();
  const { identity } = useAuth();
  if (identity?.agency !== 'drc') return null;
  const any =
    mayUse(identity, 'ProposeProject') ||
    mayUse(identity, 'ApproveProject') ||
    mayUse(identity, 'CompleteProject');
  if (!any) return null;
  const projects = entries
    .filter((e) => e.type === PROJECT_PROPOSED && e.streamId.startsWith('drc-project-'))
    .map((e) => ({ projectId: e.streamId.slice('drc-project-'.length), summary: e.summary }));
  return (
    <WorkSection id="drc-work" title={t('ew.drc.caseWork')}>
      {mayUse(identity, 'ProposeProject') && (
        <ProposeProjectForm caseId={caseId} location={location} reload={reload} />
      )}
      {projects.map((p) => (
        <div key={p.projectId} data-testid="drc-project" data-project-id={p.projectId}>
          <h3>{p.summary}</h3>
          <ProjectForms projectId={p.projectId} reload={reload} />
        </div>
      ))}
    </WorkSection>
  );
}

function IssueWarningForm() {
  const { t } = useI18n();
  const f = useFields({
    kind: 'price-anomaly',
    level: 'yellow',
    street: '',
    community: '',
    grid: '',
    description: '',
  });
  const command = useWork<{ warningId: string; caseId: string }>('drc', 'warnings', noop);
  const area = {
    street: f.values.street.trim(),
    ...(f.values.community.trim() ? { community: f.values.community.trim() } : {}),
    ...(f.values.grid.trim() ? { grid: f.values.grid.trim() } : {}),
  };
  return (
    <CommandForm
      name="issue-risk-warning"
      title={t('ew.drc.issue.title')}
      command={command}
      onSubmit={() =>
        void command.submit({
          kind: f.values.kind,
          level: f.values.level,
          area,
          description: f.values.description.trim(),
        })
      }
      submitLabel={t('ew.drc.issue.submit')}
      recordedText={
        command.result ? t('ew.drc.issue.recorded', { id: command.result.warningId }) : undefined
      }
      changed={<ChangedNote />}
    >
      <Field label={t('ew.drc.kind')} name="kind" refusal={command.refusal}>
        <select data-testid="warning-kind" value={f.values.kind} onChange={f.on('kind')}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`ew.drc.kind.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      <LevelField value={f.values.level} onChange={f.on('level')} refusal={command.refusal} />
      <Field label={t('ew.place.street')} name="area.street" refusal={command.refusal}>
        <input data-testid="warning-street" value={f.values.street} onChange={f.on('street')} />
      </Field>
      <Field label={t('ew.place.community')} name="area.community" refusal={command.refusal}>
        <input value={f.values.community} onChange={f.on('community')} />
      </Field>
      <Field label={t('ew.place.grid')} name="area.grid" refusal={command.refusal}>
        <input value={f.values.grid} onChange={f.on('grid')} />
      </Field>
      <Field label={t('ew.drc.description')} name="description" refusal={command.refusal}>
        <textarea
          data-testid="warning-description"
          value={f.values.description}
          onChange={f.on('description')}
        />
      </Field>
    </CommandForm>
  );
}

function LevelField({
  value,
  onChange,
  refusal,
}: {
  value: string;
  onChange: (e: ChangeEvent<HTMLSelectElement>) => void;
  refusal: Parameters<typeof Field>[0]['refusal'];
}) {
  const { t } = useI18n();
  return (
    <Field label={t('ew.drc.level')} name="level" refusal={refusal}>
      <select data-testid="warning-level" value={value} onChange={onChange}>
        {LEVELS.map((l) => (
          <option key={l} value={l}>
            {t(`risk.${l}`)}
          </option>
        ))}
      </select>
    </Field>
  );
}

function WarningActionForm({ action }: { action: 'level' | 'lift' }) {
  const { t } = useI18n();
  const f = useFields({ warningId: '', level: 'orange', reason: '' });
  const name = action === 'level' ? 'change-warning-level' : 'lift-warning';
  const command = useWork(
    'drc',
    `warnings/${encodeURIComponent(f.values.warningId.trim())}/${action}`,
    noop,
  );
  const reason = f.values.reason.trim();
  return (
    <CommandForm
      name={name}
      title={t(action === 'level' ? 'ew.drc.level.title' : 'ew.drc.lift.title')}
      command={command}
      onSubmit={() =>
        void command.submit(
          action === 'level'
            ? { level: f.values.level, ...(reason ? { reason } : {}) }
            : { reason },
        )
      }
      submitLabel={t(action === 'level' ? 'ew.drc.level.submit' : 'ew.drc.lift.submit')}
      changed={<ChangedNote />}
    >
      <Field label={t('ew.drc.warningId')} name="warningId" refusal={command.refusal}>
        <input data-testid={`${name}-id`} value={f.values.warningId} onChange={f.on('warningId')} />
      </Field>
      {action === 'level' && (
        <LevelField value={f.values.level} onChange={f.on('level')} refusal={command.refusal} />
      )}
      <Field label={t('ew.reason')} name="reason" refusal={command.refusal}>
        <textarea
          data-testid={`${name}-reason`}
          value={f.values.reason}
          onChange={f.on('reason')}
        />
      </Field>
    </CommandForm>
  );
}

function ProposeProjectForm({
  caseId,
  location,
  reload,
}: {
  caseId?: string;
  location?: CaseArea | undefined;
  reload: () => void;
}) {
  const { t } = useI18n();
  const f = useFields({ caseId: caseId ?? '', title: '', description: '', budget: '' });
  const [place, setPlace] = useState({
    street: location?.street ?? '',
    community: location?.community ?? '',
    grid: location?.grid ?? '',
    description: '',
  });
  const command = useWork<{ projectId: string }>('drc', 'projects', reload);
  return (
    <CommandForm
      name="propose-project"
      title={t('ew.drc.propose.title')}
      command={command}
      onSubmit={() =>
        void command.submit({
          caseId: (caseId ?? f.values.caseId).trim(),
          title: f.values.title.trim(),
          description: f.values.description.trim(),
          budget: wholeNumber(f.values.budget),
          location: placeBody(place),
        })
      }
      submitLabel={t('ew.drc.propose.submit')}
      recordedText={
        command.result ? t('ew.drc.propose.recorded', { id: command.result.projectId }) : undefined
      }
      changed={<ChangedNote />}
    >
      {!caseId && (
        <Field label={t('ew.queue.case')} name="caseId" refusal={command.refusal}>
          <input data-testid="project-case" value={f.values.caseId} onChange={f.on('caseId')} />
        </Field>
      )}
      <Field label={t('ew.drc.projectTitle')} name="title" refusal={command.refusal}>
        <input data-testid="project-title" value={f.values.title} onChange={f.on('title')} />
      </Field>
      <Field label={t('ew.drc.description')} name="description" refusal={command.refusal}>
        <textarea
          data-testid="project-description"
          value={f.values.description}
          onChange={f.on('description')}
        />
      </Field>
      <Field label={t('ew.drc.budget')} name="budget" refusal={command.refusal}>
        <input
          inputMode="numeric"
          data-testid="project-budget"
          value={f.values.budget}
          onChange={f.on('budget')}
        />
      </Field>
      <PlaceFields
        value={place}
        onChange={setPlace}
        refusal={command.refusal}
        prefix="location"
        testId="project-place"
      />
    </CommandForm>
  );
}

/** Approve (optionally a lower budget), reject, fund a tranche, complete: the service says which fits now. */
function ProjectForms({ projectId, reload }: { projectId: string; reload: () => void }) {
  const { identity } = useAuth();
  const decide = mayUse(identity, 'ApproveProject');
  return (
    <>
      {decide && (
        <ProjectForm projectId={projectId} action="approve" field="budget" reload={reload} />
      )}
      {decide && (
        <ProjectForm projectId={projectId} action="reject" field="reason" reload={reload} />
      )}
      {mayUse(identity, 'FundProject') && (
        <ProjectForm projectId={projectId} action="fundings" field="amount" reload={reload} />
      )}
      {mayUse(identity, 'CompleteProject') && (
        <ProjectForm projectId={projectId} action="complete" field="outcome" reload={reload} />
      )}
    </>
  );
}

function ProjectForm({
  projectId,
  action,
  field,
  reload,
}: {
  projectId: string;
  action: 'approve' | 'reject' | 'fundings' | 'complete';
  field: 'budget' | 'reason' | 'amount' | 'outcome';
  reload: () => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const command = useWork(
    'drc',
    `projects/${encodeURIComponent(projectId)}/${action}`,
    reload,
    () => setText(''),
  );
  const numeric = field === 'budget' || field === 'amount';
  const value = numeric ? wholeNumber(text) : text.trim();
  const name = `${action === 'fundings' ? 'fund' : action}-project`;
  return (
    <CommandForm
      name={name}
      title={t(`ew.drc.${action}.title`)}
      command={command}
      onSubmit={() =>
        void command.submit(field === 'budget' && text.trim() === '' ? {} : { [field]: value })
      }
      submitLabel={t(`ew.drc.${action}.submit`)}
      changed={<ChangedNote />}
    >
      <Field
        label={t(`ew.drc.field.${field}`)}
        name={field}
        refusal={command.refusal}
        {...(field === 'budget' ? { hint: t('ew.drc.approve.hint') } : {})}
      >
        {numeric ? (
          <input
            inputMode="numeric"
            data-testid={`${name}-${field}`}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        ) : (
          <textarea
            data-testid={`${name}-${field}`}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
    </CommandForm>
  );
}
