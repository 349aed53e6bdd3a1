// Triage (POST cases/:caseId/triage): risk level, category, lead agency and
// co-handlers. The deadline each risk level implies is shown before saving,
// from the SLA table the SWC service runs with (GET /api/sla).
import { useState } from 'react';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import {
  HANDLING_AGENCIES,
  RISK_LEVELS,
  useCaseCommand,
  useSla,
  type CaseFormProps,
  type HandlingAgency,
  type RiskLevel,
} from './work';

export function TriageCaseForm(props: CaseFormProps & { readonly category?: string }) {
  const { t, dateTime } = useI18n();
  const command = useCaseCommand('triage', props);
  const sla = useSla();
  const [riskLevel, setRiskLevel] = useState<RiskLevel | ''>('');
  const [category, setCategory] = useState(props.category ?? '');
  const [leadAgency, setLeadAgency] = useState<HandlingAgency>('street');
  const [coHandlers, setCoHandlers] = useState<HandlingAgency[]>([]);
  const [instructions, setInstructions] = useState('');

  const mode = riskLevel === 'red' ? 'emergency' : props.swc.mode;
  const hours = riskLevel && sla ? sla[mode][riskLevel] : undefined;
  const preview = !riskLevel ? null : sla === undefined ? (
    t('form.sla.loading')
  ) : hours === undefined ? (
    t('form.sla.unknown')
  ) : (
    <>
      {t('form.sla.preview', {
        mode: t(`mode.${mode}`),
        level: t(`risk.${riskLevel}`),
        hours,
        due: dateTime(Date.now() + hours * 3_600_000),
      })}
      {riskLevel === 'red' && props.swc.mode !== 'emergency' && <> {t('form.sla.red')}</>}
    </>
  );

  return (
    <CommandForm
      name="triage-case"
      title={t('form.triage.title')}
      command={command}
      submitLabel={t('form.triage.submit')}
      changed={props.changed}
      onSubmit={() =>
        command.send({
          riskLevel: riskLevel || undefined,
          category: category.trim(),
          leadAgency,
          coHandlers: coHandlers.filter((a) => a !== leadAgency),
          ...(instructions.trim() ? { instructions: instructions.trim() } : {}),
        })
      }
    >
      <Field
        label={t('form.field.riskLevel')}
        name="riskLevel"
        refusal={command.refusal}
        hint={<span data-testid="sla-preview">{preview}</span>}
      >
        <select
          data-testid="triage-risk"
          value={riskLevel}
          onChange={(e) => setRiskLevel(e.target.value as RiskLevel | '')}
        >
          <option value="">{t('form.choose')}</option>
          {RISK_LEVELS.map((level) => {
            const m = level === 'red' ? 'emergency' : props.swc.mode;
            return (
              <option key={level} value={level}>
                {sla
                  ? t('form.sla.option', { level: t(`risk.${level}`), hours: sla[m][level] })
                  : t(`risk.${level}`)}
              </option>
            );
          })}
        </select>
      </Field>
      <Field label={t('form.field.category')} name="category" refusal={command.refusal}>
        <input
          data-testid="triage-category"
          value={category}
          onChange={(e) => setCategory(e.target.value)}
          autoComplete="off"
        />
      </Field>
      <Field label={t('form.field.leadAgency')} name="leadAgency" refusal={command.refusal}>
        <select
          data-testid="triage-lead"
          value={leadAgency}
          onChange={(e) => setLeadAgency(e.target.value as HandlingAgency)}
        >
          {HANDLING_AGENCIES.map((a) => (
            <option key={a} value={a}>
              {t(`agency.${a}`)}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="field">
        <legend className="small muted">{t('form.field.coHandlers')}</legend>
        <div className="field-checks">
          {HANDLING_AGENCIES.filter((a) => a !== leadAgency).map((a) => (
            <label key={a} className="field-check">
              <input
                type="checkbox"
                data-testid={`triage-co-${a}`}
                checked={coHandlers.includes(a)}
                onChange={(e) =>
                  setCoHandlers((current) =>
                    e.target.checked ? [...current, a] : current.filter((x) => x !== a),
                  )
                }
              />
              {t(`agency.${a}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <Field label={t('form.field.instructions')} name="instructions" refusal={command.refusal}>
        <textarea value={instructions} onChange={(e) => setInstructions(e.target.value)} />
      </Field>
    </CommandForm>
  );
}
