// The citizen's rating after a verified outcome (POST cases/:caseId/feedback).
import { useState } from 'react';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { useCaseCommand, type CaseFormProps } from './work';

const CHANNELS = ['phone', 'visit', 'online'] as const;

export function RecordFeedbackForm(props: CaseFormProps) {
  const { t } = useI18n();
  const command = useCaseCommand('feedback', props);
  const [satisfaction, setSatisfaction] = useState('');
  const [channel, setChannel] = useState<(typeof CHANNELS)[number]>('phone');
  return (
    <CommandForm
      name="record-feedback"
      title={t('form.feedback.title')}
      command={command}
      submitLabel={t('form.feedback.submit')}
      changed={props.changed}
      onSubmit={() =>
        command.send({ satisfaction: satisfaction ? Number(satisfaction) : undefined, channel })
      }
    >
      <Field label={t('form.field.satisfaction')} name="satisfaction" refusal={command.refusal}>
        <select
          data-testid="feedback-satisfaction"
          value={satisfaction}
          onChange={(e) => setSatisfaction(e.target.value)}
        >
          <option value="">{t('form.choose')}</option>
          {[5, 4, 3, 2, 1].map((n) => (
            <option key={n} value={n}>
              {'★'.repeat(n)} {n}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('form.field.channel')} name="channel" refusal={command.refusal}>
        <select
          value={channel}
          onChange={(e) => setChannel(e.target.value as (typeof CHANNELS)[number])}
        >
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}`)}
            </option>
          ))}
        </select>
      </Field>
    </CommandForm>
  );
}
