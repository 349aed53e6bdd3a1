// An agency's assignment inbox on the case page (libs/assignment-inbox): the
// person's agency's assignment of this case, with accept or decline when it
// was received, progress, completion or handing back once accepted.
import { useCallback, useEffect, useState } from 'react';
import { useAuth } from '../../auth';
import { CommandRefused } from '../../api/commands';
import type { Assignment } from '../../api/types';
import { getInboxEntry, type InboxEntry } from '../../api/work-reads';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { mayUse } from '../../lib/permissions';
import { ChangedNote, useWork, WorkSection } from './work-kit';

type InboxAgency = 'street' | 'drc';

const RETRY_MS = 1_000;

const ACCEPT = { street: 'AcceptStreetAssignment', drc: 'AcceptDrcAssignment' } as const;

export function InboxPanel({
  assignments,
  reload: reloadCase,
}: {
  assignments: readonly Assignment[];
  reload: () => void;
}) {
  const { t } = useI18n();
  const { identity } = useAuth();
  const agency = identity?.agency;
  if (agency !== 'street' && agency !== 'drc') return null;
  if (!mayUse(identity, ACCEPT[agency])) return null;
  const mine = assignments.filter((a) => a.agency === agency);
  if (mine.length === 0) return null;
  return (
    <WorkSection id={`inbox-${agency}`} title={t('ew.inbox.title')}>
      {mine.map((a) => (
        <InboxEntryForms
          key={a.assignmentId}
          agency={agency}
          assignmentId={a.assignmentId}
          reloadCase={reloadCase}
        />
      ))}
    </WorkSection>
  );
}

function InboxEntryForms({
  agency,
  assignmentId,
  reloadCase,
}: {
  agency: InboxAgency;
  assignmentId: string;
  reloadCase: () => void;
}) {
  const { t, dateTime } = useI18n();
  const [entry, setEntry] = useState<InboxEntry | undefined>(undefined);
  const [missing, setMissing] = useState(false);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => {
    setGeneration((g) => g + 1);
    reloadCase();
  }, [reloadCase]);
  useEffect(() => {
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    getInboxEntry(agency, assignmentId, { signal: controller.signal })
      .then((e) => {
        setEntry(e);
        setMissing(false);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setMissing(true);
        // The agency's inbox files an assignment from SWC's event, a moment after
        // the case shows it: asked again until it is there.
        if (error instanceof CommandRefused && error.refusal.kind === 'not-found')
          retry = setTimeout(() => setGeneration((g) => g + 1), RETRY_MS);
      });
    return () => {
      controller.abort();
      clearTimeout(retry);
    };
  }, [agency, assignmentId, generation]);
  if (missing)
    return (
      <p className="muted" data-testid="inbox-not-yet">
        {t('ew.inbox.notYet')}
      </p>
    );
  if (!entry) return null;
  const status = entry.status;
  return (
    <div
      className="inbox-entry"
      data-testid="inbox-entry"
      data-assignment-id={assignmentId}
      data-status={status}
    >
      <p>
        {t('ew.inbox.entry', {
          role: t(`ew.inbox.role.${entry.role}`),
          status: t(`ew.inbox.status.${status}`),
          due: dateTime(entry.dueAt),
        })}
      </p>
      {entry.instructions && <p className="muted small">{entry.instructions}</p>}
      {status === 'received' && (
        <>
          <InboxForm agency={agency} id={assignmentId} action="accept" reload={reload} />
          <InboxForm agency={agency} id={assignmentId} action="decline" reload={reload} />
        </>
      )}
      {status === 'accepted' && (
        <>
          <InboxForm agency={agency} id={assignmentId} action="progress" reload={reload} />
          <InboxForm agency={agency} id={assignmentId} action="complete" reload={reload} />
          <InboxForm agency={agency} id={assignmentId} action="return" reload={reload} />
        </>
      )}
    </div>
  );
}

const FIELD = {
  accept: undefined,
  decline: 'reason',
  return: 'reason',
  progress: 'note',
  complete: 'outcome',
} as const;

function InboxForm({
  agency,
  id,
  action,
  reload,
}: {
  agency: InboxAgency;
  id: string;
  action: keyof typeof FIELD;
  reload: () => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const field = FIELD[action];
  const command = useWork(agency, `assignments/${id}/${action}`, reload, () => setText(''));
  const name = `${action}-assignment`;
  return (
    <CommandForm
      name={name}
      title={t(`ew.inbox.${action}.title`)}
      command={command}
      onSubmit={() => void command.submit(field ? { [field]: text.trim() } : {})}
      submitLabel={t(`ew.inbox.${action}.submit`)}
      changed={<ChangedNote />}
    >
      {field && (
        <Field label={t(`ew.inbox.field.${field}`)} name={field} refusal={command.refusal}>
          <textarea
            data-testid={`${name}-${field}`}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
      )}
    </CommandForm>
  );
}
