// Verify the outcome (POST cases/:caseId/verification) once every assignment is completed.
import { useState } from 'react';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { useCaseCommand, type CaseFormProps } from './work';

export function VerifyOutcomeForm(props: CaseFormProps) {
  const { t } = useI18n();
  const command = useCaseCommand('verification', props);
  const [note, setNote] = useState('');
  return (
    <CommandForm
      name="verify-outcome"
      title={t('form.verify.title')}
      command={command}
      submitLabel={t('form.verify.submit')}
      changed={props.changed}
      onSubmit={() => command.send({ note: note.trim() })}
    >
      <Field label={t('form.field.note')} name="note" refusal={command.refusal}>
        <textarea
          data-testid="verify-note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
    </CommandForm>
  );
}
