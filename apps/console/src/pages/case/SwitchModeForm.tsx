// Routine ↔ emergency (POST cases/:caseId/mode), with the reason; open deadlines are rescheduled.
import { useState } from 'react';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { useCaseCommand, type CaseFormProps } from './work';

export function SwitchModeForm(props: CaseFormProps) {
  const { t } = useI18n();
  const command = useCaseCommand('mode', props);
  const mode = props.swc.mode === 'routine' ? 'emergency' : 'routine';
  const [reason, setReason] = useState('');
  return (
    <CommandForm
      name="switch-mode"
      title={`${t('form.mode.title')}: ${t(`mode.${props.swc.mode}`)} → ${t(`mode.${mode}`)}`}
      command={command}
      submitLabel={t('form.mode.submit')}
      changed={props.changed}
      onSubmit={() => command.send({ mode, reason: reason.trim() })}
    >
      <Field label={t('form.field.reason')} name="reason" refusal={command.refusal}>
        <textarea
          data-testid="mode-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
    </CommandForm>
  );
}
