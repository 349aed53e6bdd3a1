// The street office's work on the case's issues (grid workers and officers):
// acknowledge, add notes, resolve — each issue read from the street service
// (GET /api/issues/:id), found from the timeline's street-issue streams.
import { useEffect, useMemo, useState } from 'react';
import { readAgency } from '../../api/commands';
import type { TimelineEntry } from '../../api/types';
import { useI18n } from '../../i18n';
import { useCommand } from '../../lib/useCommand';
import { CommandForm, Field } from '../../components/CommandForm';

interface Issue {
  readonly issueId: string;
  readonly status: 'reported' | 'acknowledged' | 'resolved';
  readonly category: string;
  readonly revision: number;
}

const ISSUE_STREAM = 'street-issue-';
const OUTCOMES = ['remedied', 'referred', 'no-action-needed', 'enforcement-started'] as const;

export function IssueWork({
  entries,
  onChanged,
}: {
  entries: readonly TimelineEntry[];
  onChanged: () => void;
}) {
  const ids = useMemo(
    () => [
      ...new Set(
        entries
          .filter((e) => e.streamId.startsWith(ISSUE_STREAM))
          .map((e) => e.streamId.slice(ISSUE_STREAM.length)),
      ),
    ],
    [entries],
  );
  return (
    <>
      {ids.map((id) => (
        <IssuePanel key={id} issueId={id} onChanged={onChanged} />
      ))}
    </>
  );
}

function IssuePanel({ issueId, onChanged }: { issueId: string; onChanged: () => void }) {
  const { t } = useI18n();
  const [issue, setIssue] = useState<Issue | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    readAgency<Issue>('street', `issues/${issueId}`, { signal: controller.signal }).then(
      setIssue,
      () => undefined,
    );
    return () => controller.abort();
  }, [issueId, generation]);
  const recorded = () => {
    setGeneration((g) => g + 1);
    onChanged();
  };
  if (!issue) return null;
  return (
    <div data-testid="issue-work" data-issue-id={issueId} data-status={issue.status}>
      <h3>
        {t('form.issue.title')} ·{' '}
        {t('form.issue.status', { status: t(`issue.status.${issue.status}`) })}
      </h3>
      <div className="work-panel">
        {issue.status === 'reported' && (
          <AcknowledgeIssueForm issueId={issueId} onRecorded={recorded} />
        )}
        {issue.status === 'acknowledged' && (
          <AddIssueNoteForm issueId={issueId} onRecorded={recorded} />
        )}
        {issue.status === 'acknowledged' && (
          <ResolveIssueForm issueId={issueId} onRecorded={recorded} />
        )}
      </div>
    </div>
  );
}

interface IssueFormProps {
  readonly issueId: string;
  readonly onRecorded: () => void;
}

export function AcknowledgeIssueForm({ issueId, onRecorded }: IssueFormProps) {
  const { t } = useI18n();
  const command = useCommand('street', `issues/${issueId}/acknowledge`, onRecorded);
  return (
    <CommandForm
      name="acknowledge-issue"
      title={t('form.ack.title')}
      command={command}
      submitLabel={t('form.ack.submit')}
      onSubmit={() => void command.submit({})}
    />
  );
}

export function AddIssueNoteForm({ issueId, onRecorded }: IssueFormProps) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const command = useCommand('street', `issues/${issueId}/notes`, () => {
    setNote('');
    onRecorded();
  });
  return (
    <CommandForm
      name="add-issue-note"
      title={t('form.note.title')}
      command={command}
      submitLabel={t('form.note.submit')}
      onSubmit={() => void command.submit({ note: note.trim() })}
    >
      <Field label={t('form.field.issueNote')} name="note" refusal={command.refusal}>
        <textarea data-testid="issue-note" value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
    </CommandForm>
  );
}

export function ResolveIssueForm({ issueId, onRecorded }: IssueFormProps) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('remedied');
  const [summary, setSummary] = useState('');
  const command = useCommand('street', `issues/${issueId}/resolve`, onRecorded);
  return (
    <CommandForm
      name="resolve-issue"
      title={t('form.resolve.title')}
      command={command}
      submitLabel={t('form.resolve.submit')}
      onSubmit={() => void command.submit({ outcome, summary: summary.trim() })}
    >
      <Field label={t('form.field.outcome')} name="outcome" refusal={command.refusal}>
        <select
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as (typeof OUTCOMES)[number])}
        >
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {t(`outcome.${o}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('form.field.summary')} name="summary" refusal={command.refusal}>
        <textarea
          data-testid="resolve-summary"
          value={summary}
          onChange={(e) => setSummary(e.target.value)}
        />
      </Field>
    </CommandForm>
  );
}
