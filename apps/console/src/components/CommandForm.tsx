// The pattern every command form follows (one component per command, named
// after it, beside the page it serves — e.g. pages/case/TriageCaseForm.tsx):
//
//   const command = useCommand('swc', `cases/${caseId}/triage`, onRecorded);
//   <CommandForm name="triage-case" title={…} command={command} onSubmit={() => command.submit(body)}>
//     <Field label={…} name="riskLevel" refusal={command.refusal}><select …/></Field>
//   </CommandForm>
//
// The form has a heading, labelled fields, a submit button that is disabled
// while the command is in flight (a double click sends once), the refusal in
// the person's language (i18n/refusals.ts), schema problems (400) next to their
// fields, and a "changed meanwhile" note with what changed when the service
// answers 409. Test ids: `form-<name>`, `submit-<name>`, `refusal-<name>`
// (`data-kind`, `data-code`), `field-error-<field>`, `recorded-<name>`,
// `changed-<name>`.
import { cloneElement, isValidElement, useId } from 'react';
import type { FormEvent, ReactElement, ReactNode } from 'react';
import type { FieldProblem, Refusal } from '../api/commands';
import { useI18n, type MessageKey } from '../i18n';
import { refusalText } from '../i18n/refusals';
import type { CommandState } from '../lib/useCommand';

/** The schema problems (400) that concern a field (`location/grid` concerns `location.grid` and `location`). */
export function problemsFor(refusal: Refusal | undefined, field: string): FieldProblem[] {
  if (refusal?.kind !== 'invalid') return [];
  const wanted = field.replace(/\./g, '/');
  return refusal.problems.filter(
    (p) =>
      p.field === wanted || p.field.startsWith(`${wanted}/`) || p.message.includes(`'${field}'`),
  );
}

/** A schema problem in the person's words (the service's text is ajv's English, never shown). */
function problemKey(message: string): MessageKey {
  if (/required|fewer than 1 characters/.test(message)) return 'work.problem.required';
  if (/pattern|format/.test(message)) return 'work.problem.pattern';
  if (/allowed values|equal to constant/.test(message)) return 'work.problem.enum';
  if (/more than \d+ (characters|items)/.test(message)) return 'work.problem.tooLong';
  if (/must be [<>]=?|minimum|maximum/.test(message)) return 'work.problem.range';
  if (/must be (integer|number|string|array|object|boolean)/.test(message))
    return 'work.problem.type';
  if (/not allowed/.test(message)) return 'work.problem.notAllowed';
  return 'work.problem.other';
}

/** The sentence for a refusal, in the person's language. */
export function useRefusalText(): (refusal: Refusal) => string {
  const { t, locale } = useI18n();
  return (refusal) => {
    switch (refusal.kind) {
      case 'rule':
        return refusalText(locale, refusal.code, refusal.details);
      case 'invalid':
        return t('work.refusal.invalid');
      case 'conflict':
        return t('work.refusal.conflict');
      case 'forbidden':
        return t('work.refusal.forbidden');
      case 'unauthorized':
        return t('work.refusal.unauthorized');
      case 'not-found':
        return t('work.refusal.notFound');
      case 'unavailable':
        return t('work.refusal.unavailable', { status: refusal.status || '—' });
    }
  };
}

export function RefusalNotice({ name, refusal }: { name: string; refusal: Refusal }) {
  const text = useRefusalText();
  return (
    <p
      className="error"
      role="alert"
      data-testid={`refusal-${name}`}
      data-kind={refusal.kind}
      {...(refusal.kind === 'rule' ? { 'data-code': refusal.code } : {})}
    >
      {text(refusal)}
    </p>
  );
}

/** A labelled field; its schema problems (400) are shown under it and announced with it. */
export function Field({
  label,
  name,
  refusal,
  hint,
  also = [],
  children,
}: {
  label: string;
  /** Other body fields this control sets (a grid also sets its street and community). */
  also?: readonly string[];
  /** The body's field (dotted for nested ones: `location.grid`). */
  name: string;
  refusal?: Refusal | undefined;
  hint?: ReactNode;
  children: ReactElement<Record<string, unknown>>;
}) {
  const { t } = useI18n();
  const id = useId();
  const problems = [name, ...also].flatMap((field) => problemsFor(refusal, field));
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [hint ? hintId : '', problems.length ? errorId : ''].filter(Boolean).join(' ');
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        name,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(problems.length ? { 'aria-invalid': true } : {}),
      })
    : children;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && (
        <span id={hintId} className="muted small">
          {hint}
        </span>
      )}
      {problems.length > 0 && (
        <span id={errorId} className="field-error" data-testid={`field-error-${name}`}>
          {[...new Set(problems.map((p) => t(problemKey(p.message))))].join('；')}
        </span>
      )}
    </div>
  );
}

export function CommandForm<T>({
  name,
  title,
  command,
  onSubmit,
  submitLabel,
  recordedText,
  changed,
  children,
}: {
  /** Kebab-case command name: `triage-case` gives `form-triage-case`, `submit-triage-case`. */
  name: string;
  title: string;
  command: CommandState<T>;
  onSubmit: () => void;
  submitLabel: string;
  /** Shown after the command was recorded. */
  recordedText?: string;
  /** What changed meanwhile, shown after a 409 (the page has reloaded the case). */
  changed?: ReactNode;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const headingId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!command.sending) onSubmit();
  };
  const refusal = command.refusal;
  return (
    <form
      className="work-form"
      data-testid={`form-${name}`}
      aria-labelledby={headingId}
      aria-busy={command.sending}
      onSubmit={submit}
      noValidate
    >
      <h3 id={headingId}>{title}</h3>
      {children}
      {refusal && <RefusalNotice name={name} refusal={refusal} />}
      {refusal?.kind === 'conflict' && changed && (
        <div className="banner warn" data-testid={`changed-${name}`}>
          {changed}
        </div>
      )}
      <div className="actions">
        <button
          type="submit"
          className="button"
          data-testid={`submit-${name}`}
          disabled={command.sending}
        >
          {command.sending ? t('work.sending') : submitLabel}
        </button>
      </div>
      <p className="notice" role="status" data-testid={`recorded-${name}`}>
        {command.result !== undefined && !refusal && !command.sending
          ? (recordedText ?? t('work.recorded'))
          : ''}
      </p>
    </form>
  );
}
