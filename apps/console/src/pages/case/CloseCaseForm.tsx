// Close a verified case (POST cases/:caseId/close).
import { CommandForm } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { useCaseCommand, type CaseFormProps } from './work';

export function CloseCaseForm(props: CaseFormProps) {
  const { t } = useI18n();
  const command = useCaseCommand('close', props);
  return (
    <CommandForm
      name="close-case"
      title={t('form.close.title')}
      command={command}
      submitLabel={t('form.close.submit')}
      changed={props.changed}
      onSubmit={() => command.send({})}
    >
      <p className="muted small">{t('form.close.hint')}</p>
    </CommandForm>
  );
}
