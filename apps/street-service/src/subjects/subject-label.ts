import type { EventStore, PersonalDataVault } from '@gridline/eventsourcing';
import { loadExisting } from '../shared/run-command.js';
import { maskedSubjectLabel, subjectDecider, subjectStreamId } from './subject.decider.js';

/** Opens the subject's name only to mask it: the clear name never leaves this function. */
export async function publicSubjectLabel(
  store: EventStore,
  vault: PersonalDataVault,
  subjectId: string,
): Promise<string> {
  const subject = await loadExisting(
    store,
    subjectDecider,
    subjectStreamId(subjectId),
    `subject ${subjectId}`,
  );
  const name = await vault.open(subject.name);
  return maskedSubjectLabel(subject.kind, name, subjectId);
}
