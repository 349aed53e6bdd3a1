// A coordinator opens a case by hand (POST /api/cases of the SWC service), e.g.
// from the hotline; the grid comes from the grid registry.
import { useState } from 'react';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { useCommand } from '../../lib/useCommand';
import { navigate } from '../../router';
import { CATEGORIES, useGrids } from '../report/ReportIssueForm';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export function OpenCaseForm() {
  const { t } = useI18n();
  const grids = useGrids();
  const [grid, setGrid] = useState('');
  const [category, setCategory] = useState('');
  const [severity, setSeverity] = useState<(typeof SEVERITIES)[number]>('medium');
  const command = useCommand<{ caseId: string }>('swc', 'cases', (result) =>
    navigate(`/cases/${result.caseId}`),
  );
  const area = grids?.find((g) => g.id === grid)?.properties;
  return (
    <CommandForm
      name="open-case"
      title={t('form.open.title')}
      command={command}
      submitLabel={t('form.open.submit')}
      recordedText={t('form.open.recorded')}
      onSubmit={() =>
        void command.submit({
          category: category.trim(),
          severity,
          location: { street: area?.street ?? '', community: area?.community ?? '', grid },
        })
      }
    >
      <p className="muted">{t('form.open.intro')}</p>
      <Field
        label={t('form.field.grid')}
        name="location.grid"
        also={['location.street', 'location.community']}
        refusal={command.refusal}
      >
        <select data-testid="open-grid" value={grid} onChange={(e) => setGrid(e.target.value)}>
          <option value="">{grids ? t('form.choose') : t('form.report.gridsLoading')}</option>
          {(grids ?? []).map((g) => (
            <option key={g.id} value={g.id}>
              {g.id} · {g.properties.community} · {g.properties.street}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('form.field.category')} name="category" refusal={command.refusal}>
        <input
          data-testid="open-category"
          list="open-categories"
          value={category}
          autoComplete="off"
          onChange={(e) => setCategory(e.target.value)}
        />
      </Field>
      <datalist id="open-categories">
        {CATEGORIES.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <Field label={t('form.field.severity')} name="severity" refusal={command.refusal}>
        <select
          value={severity}
          onChange={(e) => setSeverity(e.target.value as (typeof SEVERITIES)[number])}
        >
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {t(`severity.${s}`)}
            </option>
          ))}
        </select>
      </Field>
    </CommandForm>
  );
}
