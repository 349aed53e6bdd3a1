// Choose a file, upload it to the evidence store, say how it went. The parent
// gets the upload (its id and the file's SHA-256) to put in the command's body.
import { useId, useState } from 'react';
import { ApiError } from '../api/client';
import { ACCEPT, uploadEvidenceFile, type EvidenceKind, type UploadedFile } from '../api/evidence';
import { useI18n } from '../i18n';

type State =
  | { readonly step: 'idle' }
  | { readonly step: 'uploading'; readonly name: string }
  | { readonly step: 'stored'; readonly file: UploadedFile; readonly name: string }
  | { readonly step: 'refused'; readonly reason: string };

/** A file's size as a person reads it: whole kilobytes, at least 1. */
export const kilobytes = (bytes: number) =>
  `${Math.max(1, Math.round(bytes / 1024)).toLocaleString()} KB`;

export function EvidenceFileInput({
  kind,
  testId,
  label,
  capture,
  onUploaded,
}: {
  kind: EvidenceKind;
  testId: string;
  label: string;
  /** On a phone: open the camera (`environment`: the back one). */
  capture?: 'environment';
  onUploaded: (file: UploadedFile | undefined) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [state, setState] = useState<State>({ step: 'idle' });

  const choose = async (chosen: File | undefined) => {
    onUploaded(undefined);
    if (!chosen) return setState({ step: 'idle' });
    setState({ step: 'uploading', name: chosen.name });
    try {
      const file = await uploadEvidenceFile(chosen, kind);
      setState({ step: 'stored', file, name: chosen.name });
      onUploaded(file);
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      const key =
        status === 413
          ? 'file.refused.tooLarge'
          : status === 415
            ? 'file.refused.type'
            : status === 422
              ? 'file.refused.digest'
              : 'file.refused.other';
      setState({ step: 'refused', reason: t(key, { kind: t(`ew.evidence.kind.${kind}`) }) });
    }
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept={ACCEPT[kind]}
        {...(capture ? { capture } : {})}
        data-testid={`${testId}-file`}
        aria-describedby={`${id}-status`}
        onChange={(e) => void choose(e.target.files?.[0])}
      />
      <p
        id={`${id}-status`}
        className={state.step === 'refused' ? 'error small' : 'muted small'}
        data-testid={`${testId}-file-status`}
        data-state={state.step}
        role={state.step === 'refused' ? 'alert' : 'status'}
      >
        {state.step === 'idle' && t('file.none')}
        {state.step === 'uploading' && t('file.uploading', { name: state.name })}
        {state.step === 'stored' &&
          t('file.stored', {
            name: state.name,
            type: state.file.contentType,
            size: kilobytes(state.file.size),
          })}
        {state.step === 'refused' && state.reason}
      </p>
    </div>
  );
}
