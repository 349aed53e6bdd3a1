// What the work forms share: a command that reloads the page's data when the
// service answers 409 (the "changed meanwhile" note says so), text state for a
// form's fields, and the inputs of a place and of a piece of evidence.
import { useEffect, useState } from 'react';
import type { ChangeEvent, ReactNode } from 'react';
import type { AgencyCode } from '../../api/commands';
import { Field } from '../../components/CommandForm';
import { EvidenceFileInput } from '../../components/EvidenceFileInput';
import type { EvidenceKind } from '../../api/evidence';
import { useI18n } from '../../i18n';
import { useCommand, type CommandState } from '../../lib/useCommand';

/** useCommand, plus: a 409 reloads what the page shows (`reload`), so the person sees what changed. */
export function useWork<T = unknown>(
  agency: AgencyCode,
  path: string,
  reload: () => void,
  onRecorded?: (result: T) => void,
): CommandState<T> {
  const command = useCommand<T>(agency, path, (result) => {
    onRecorded?.(result);
    reload();
  });
  const conflict = command.refusal?.kind === 'conflict';
  useEffect(() => {
    if (conflict) reload();
  }, [conflict, reload]);
  return command;
}

export function ChangedNote() {
  const { t } = useI18n();
  return <>{t('ew.changed')}</>;
}

type Change = ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>;

/** A form's text fields: `values`, `on(name)` for an input's onChange, `set`, `reset`. */
export function useFields<K extends string>(initial: Record<K, string>) {
  const [values, setValues] = useState(initial);
  return {
    values,
    on: (name: K) => (event: Change) => {
      const value = event.target.value;
      setValues((v) => ({ ...v, [name]: value }));
    },
    set: (name: K, value: string) => setValues((v) => ({ ...v, [name]: value })),
    reset: () => setValues(initial),
  };
}

/** A whole number from an input ('' and junk stay as they are, so the service's 400 names the field). */
export const wholeNumber = (text: string): number | string =>
  /^\s*\d+\s*$/.test(text) ? Number(text) : text;

/** A `datetime-local` value as ISO-8601 (the commands take instants). */
export const instant = (local: string): string => {
  const date = new Date(local);
  return local && !Number.isNaN(date.getTime()) ? date.toISOString() : local;
};

/** Now as a `datetime-local` value, in the browser's zone. */
export const localNow = () => {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
};

export interface PlaceValues {
  street: string;
  community: string;
  grid: string;
  description: string;
}

export const placeBody = (p: PlaceValues) => ({
  street: p.street.trim(),
  community: p.community.trim(),
  grid: p.grid.trim(),
  description: p.description.trim(),
});

/** Street, community, grid and a place description; `prefix` names the body's field (`place`, `evidence/0/place`). */
export function PlaceFields({
  value,
  onChange,
  refusal,
  prefix,
  testId,
}: {
  value: PlaceValues;
  onChange: (next: PlaceValues) => void;
  refusal: CommandState<unknown>['refusal'];
  prefix: string;
  testId: string;
}) {
  const { t } = useI18n();
  const input = (name: keyof PlaceValues) => (
    <input
      data-testid={`${testId}-${name}`}
      value={value[name]}
      onChange={(e) => onChange({ ...value, [name]: e.target.value })}
    />
  );
  return (
    <fieldset className="fieldset">
      <legend>{t('ew.place')}</legend>
      <Field label={t('ew.place.street')} name={`${prefix}.street`} refusal={refusal}>
        {input('street')}
      </Field>
      <Field label={t('ew.place.community')} name={`${prefix}.community`} refusal={refusal}>
        {input('community')}
      </Field>
      <Field
        label={t('ew.place.grid')}
        name={`${prefix}.grid`}
        refusal={refusal}
        hint={t('ew.place.gridHint')}
      >
        {input('grid')}
      </Field>
      <Field label={t('ew.place.description')} name={`${prefix}.description`} refusal={refusal}>
        {input('description')}
      </Field>
    </fieldset>
  );
}

export interface EvidenceValues {
  kind: string;
  sha256: string;
  /** The file uploaded for this piece of evidence, when there is one. */
  uploadId?: string;
  description: string;
  capturedAt: string;
  place: PlaceValues;
}

export const emptyEvidence = (place: PlaceValues): EvidenceValues => ({
  kind: 'photo',
  sha256: '',
  description: '',
  capturedAt: localNow(),
  place,
});

export const evidenceBody = (e: EvidenceValues) => ({
  kind: e.kind,
  sha256: e.sha256.trim().toLowerCase(),
  ...(e.uploadId ? { uploadId: e.uploadId } : {}),
  description: e.description.trim(),
  capturedAt: instant(e.capturedAt),
  place: placeBody(e.place),
});

export const EVIDENCE_KINDS = ['photo', 'video', 'statement', 'document'] as const;

/**
 * One piece of evidence: kind, the file (uploaded to the evidence store, which
 * fills in its SHA-256) or only the digest of a file kept elsewhere, a
 * description, when and where it was captured.
 */
export function EvidenceFields({
  value,
  onChange,
  refusal,
  prefix,
  testId,
}: {
  value: EvidenceValues;
  onChange: (next: EvidenceValues) => void;
  refusal: CommandState<unknown>['refusal'];
  /** The body's field: `evidence/0` for a list, '' for a body that is the evidence itself. */
  prefix: string;
  testId: string;
}) {
  const { t } = useI18n();
  const name = (field: string) => (prefix ? `${prefix}.${field}` : field);
  return (
    <fieldset className="fieldset" data-testid={testId}>
      <legend>{t('ew.evidence')}</legend>
      <p className="muted small" data-testid="evidence-note">
        {t('ew.evidence.noUpload')}
      </p>
      <Field label={t('ew.evidence.kind')} name={name('kind')} refusal={refusal}>
        <select
          data-testid={`${testId}-kind`}
          value={value.kind}
          onChange={(e) => onChange({ ...value, kind: e.target.value })}
        >
          {EVIDENCE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`ew.evidence.kind.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      <EvidenceFileInput
        key={value.kind}
        kind={value.kind as EvidenceKind}
        testId={testId}
        label={t('ew.evidence.file')}
        onUploaded={(file) => {
          const { uploadId: _dropped, ...rest } = value;
          onChange(file ? { ...rest, uploadId: file.uploadId, sha256: file.sha256 } : rest);
        }}
      />
      <Field
        label={t('ew.evidence.sha256')}
        name={name('sha256')}
        refusal={refusal}
        hint={t('ew.evidence.sha256Hint')}
      >
        <input
          data-testid={`${testId}-sha256`}
          value={value.sha256}
          spellCheck={false}
          autoComplete="off"
          readOnly={value.uploadId !== undefined}
          onChange={(e) => onChange({ ...value, sha256: e.target.value })}
        />
      </Field>
      <Field label={t('ew.evidence.description')} name={name('description')} refusal={refusal}>
        <input
          data-testid={`${testId}-description`}
          value={value.description}
          onChange={(e) => onChange({ ...value, description: e.target.value })}
        />
      </Field>
      <Field label={t('ew.evidence.capturedAt')} name={name('capturedAt')} refusal={refusal}>
        <input
          type="datetime-local"
          data-testid={`${testId}-captured-at`}
          value={value.capturedAt}
          onChange={(e) => onChange({ ...value, capturedAt: e.target.value })}
        />
      </Field>
      <PlaceFields
        value={value.place}
        onChange={(place) => onChange({ ...value, place })}
        refusal={refusal}
        prefix={name('place')}
        testId={`${testId}-place`}
      />
    </fieldset>
  );
}

/** A section of work forms with a heading. */
export function WorkSection({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section className="panel work-section" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`} className="section-title">
        {title}
      </h2>
      <div className="work-forms">{children}</div>
    </section>
  );
}
