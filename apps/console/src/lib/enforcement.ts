// The 721 progression, publicity and appeal of a case, read from its timeline
// entries (so a case as it stood at a past time shows its state then) and, when
// at hand, the case's fold (decisions with amounts, major flag, publicity, appeal).
import type { HistoryDecision, TimelineEntry } from '../api/types';

export type Step = 'reminder' | 'warning' | 'penalty' | 'legal-review';
export type StepState = 'done' | 'current' | 'pending';
export type StepNote = 'skipped' | 'notRequired' | undefined;

export interface StepView {
  readonly step: Step;
  readonly state: StepState;
  readonly note?: StepNote;
  /** The entry that settled the step's state (to jump to it). */
  readonly eventId?: string;
}

const T = {
  reminder: 'street.enforcement.reminder-issued.v1',
  warning: 'street.enforcement.warning-issued.v1',
  proposed: 'street.decision.penalty-proposed.v1',
  issued: 'street.decision.issued.v1',
  reviewRequested: 'street.decision.review-requested.v1',
  approved: 'street.decision.approved.v1',
  returned: 'street.decision.returned.v1',
  published: 'street.decision.published.v1',
  retracted: 'street.decision.publicity-retracted.v1',
  appealFiled: 'street.decision.appeal-filed.v1',
  appealDecided: 'street.decision.appeal-decided.v1',
} as const;

const last = (entries: readonly TimelineEntry[], ...types: string[]) =>
  [...entries].reverse().find((e) => types.includes(e.type));

export function enforcementSteps(
  entries: readonly TimelineEntry[],
  decisions?: readonly HistoryDecision[],
): StepView[] {
  const reminder = last(entries, T.reminder);
  const warning = last(entries, T.warning);
  const proposed = last(entries, T.proposed);
  const issued = last(entries, T.issued);
  const review = last(entries, T.reviewRequested, T.approved, T.returned);
  const later = (step: 'warning' | 'penalty') =>
    step === 'warning' ? Boolean(warning || proposed) : Boolean(proposed);
  const major = decisions?.some((d) => d.major) ?? false;

  const steps: StepView[] = [
    reminder
      ? { step: 'reminder', state: 'done', eventId: reminder.eventId }
      : { step: 'reminder', state: 'pending', ...(later('warning') ? { note: 'skipped' } : {}) },
    warning
      ? { step: 'warning', state: 'done', eventId: warning.eventId }
      : { step: 'warning', state: 'pending', ...(later('penalty') ? { note: 'skipped' } : {}) },
    issued
      ? { step: 'penalty', state: 'done', eventId: issued.eventId }
      : proposed
        ? { step: 'penalty', state: 'current', eventId: proposed.eventId }
        : { step: 'penalty', state: 'pending' },
  ];
  if (review?.type === T.approved)
    steps.push({ step: 'legal-review', state: 'done', eventId: review.eventId });
  else if (review) steps.push({ step: 'legal-review', state: 'current', eventId: review.eventId });
  else
    steps.push({
      step: 'legal-review',
      state: 'pending',
      ...(issued || (proposed && decisions && !major) ? { note: 'notRequired' } : {}),
    });
  return steps;
}

export type PublicityState = 'none' | 'unpublished' | 'published' | 'retracted';
export type AppealState = 'none' | 'filed' | 'upheld' | 'changed' | 'revoked';

export interface DecisionState {
  readonly publicity: PublicityState;
  readonly appeal: AppealState;
  readonly amountYuan?: number;
  readonly publicityEventId?: string;
  readonly appealEventId?: string;
}

/** Publicity and appeal of the case's latest penalty decision. */
export function decisionState(
  entries: readonly TimelineEntry[],
  decisions?: readonly HistoryDecision[],
): DecisionState {
  const decision = decisions?.[decisions.length - 1];
  const publicityEntry = last(entries, T.published, T.retracted);
  const appealEntry = last(entries, T.appealFiled, T.appealDecided);
  const hasDecision = Boolean(decision ?? last(entries, T.proposed, T.issued));

  let publicity: PublicityState = hasDecision ? 'unpublished' : 'none';
  if (publicityEntry) publicity = publicityEntry.type === T.published ? 'published' : 'retracted';
  if (decision && !decision.published && publicity === 'published') publicity = 'retracted';

  let appeal: AppealState = 'none';
  if (decision?.appeal) appeal = decision.appeal;
  else if (appealEntry?.type === T.appealFiled) appeal = 'filed';
  else if (appealEntry) {
    const outcome = /\b(upheld|changed|revoked)\b/.exec(appealEntry.summary)?.[1];
    appeal = (outcome as AppealState | undefined) ?? 'filed';
  }
  return {
    publicity,
    appeal,
    ...(decision ? { amountYuan: decision.amountYuan } : {}),
    ...(publicityEntry ? { publicityEventId: publicityEntry.eventId } : {}),
    ...(appealEntry ? { appealEventId: appealEntry.eventId } : {}),
  };
}
