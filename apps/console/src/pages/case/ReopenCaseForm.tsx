// Reopen a closed case (POST cases/:caseId/reopen), with the reason.
import { useState } from 'react';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { useCaseCommand, type CaseFormProps } from './work';

export function ReopenCaseForm(props: CaseFormProps) {
  const { t } = useI18n();
  const command = useCaseCommand('reopen', props);
  const [reason, setReason] = useState('');
  return (
    <CommandForm
      name="reopen-case"
      title={t('form.reopen.title')}
      command={command}
      submitLabel={t('form.reopen.submit')}
      changed={props.changed}
      onSubmit={() => command.send({ reason: reason.trim() })}
    >
      <Field label={t('form.field.reason')} name="reason" refusal={command.refusal}>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
    </CommandForm>
  );
}
