// Raise or lower the risk level (POST cases/:caseId/risk-level), with the reason.
import { useState } from 'react';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { RISK_LEVELS, useCaseCommand, type CaseFormProps, type RiskLevel } from './work';

export function ChangeRiskLevelForm(props: CaseFormProps) {
  const { t } = useI18n();
  const command = useCaseCommand('risk-level', props);
  const [to, setTo] = useState<RiskLevel>(props.swc.riskLevel === 'red' ? 'orange' : 'red');
  const [reason, setReason] = useState('');
  return (
    <CommandForm
      name="change-risk-level"
      title={t('form.risk.title')}
      command={command}
      submitLabel={t('form.risk.submit')}
      changed={props.changed}
      onSubmit={() => command.send({ to, reason: reason.trim() })}
    >
      <Field label={t('form.field.riskLevel')} name="to" refusal={command.refusal}>
        <select value={to} onChange={(e) => setTo(e.target.value as RiskLevel)}>
          {RISK_LEVELS.map((level) => (
            <option key={level} value={level}>
              {t(`risk.${level}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('form.field.reason')} name="reason" refusal={command.refusal}>
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
    </CommandForm>
  );
}
