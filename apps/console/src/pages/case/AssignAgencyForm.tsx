// Assign or reassign (POST cases/:caseId/assignments): an agency as lead or
// co-handler, with its SLA deadline (after a decline or return, this is how a
// case is reassigned).
import { useState } from 'react';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { HANDLING_AGENCIES, useCaseCommand, type CaseFormProps, type HandlingAgency } from './work';

export function AssignAgencyForm(props: CaseFormProps) {
  const { t } = useI18n();
  const command = useCaseCommand('assignments', props);
  const [agency, setAgency] = useState<HandlingAgency>('drc');
  const [role, setRole] = useState<'lead' | 'co-handler'>('co-handler');
  const [instructions, setInstructions] = useState('');
  return (
    <CommandForm
      name="assign-agency"
      title={t('form.assign.title')}
      command={command}
      submitLabel={t('form.assign.submit')}
      changed={props.changed}
      onSubmit={() =>
        command.send({
          agency,
          role,
          ...(instructions.trim() ? { instructions: instructions.trim() } : {}),
        })
      }
    >
      <p className="muted small">{t('form.assign.hint')}</p>
      <Field label={t('form.field.agency')} name="agency" refusal={command.refusal}>
        <select
          data-testid="assign-agency"
          value={agency}
          onChange={(e) => setAgency(e.target.value as HandlingAgency)}
        >
          {HANDLING_AGENCIES.map((a) => (
            <option key={a} value={a}>
              {t(`agency.${a}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('form.field.role')} name="role" refusal={command.refusal}>
        <select
          data-testid="assign-role"
          value={role}
          onChange={(e) => setRole(e.target.value as 'lead' | 'co-handler')}
        >
          <option value="lead">{t('role.lead')}</option>
          <option value="co-handler">{t('role.co-handler')}</option>
        </select>
      </Field>
      <Field label={t('form.field.instructions')} name="instructions" refusal={command.refusal}>
        <textarea value={instructions} onChange={(e) => setInstructions(e.target.value)} />
      </Field>
    </CommandForm>
  );
}
