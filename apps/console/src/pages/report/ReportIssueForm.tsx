// A grid worker reports an issue (POST /api/issues of the street service), at
// phone width: one column, large touch targets. The grid comes from the grid
// registry (GET /api/grids, GeoJSON). A photo is taken or chosen on the phone,
// uploaded to the evidence store first, and named in the report with its SHA-256.
import { useEffect, useState } from 'react';
import { dataOf, streetApi, type GridCollection } from '../../api/commands';
import type { UploadedFile } from '../../api/evidence';
import { CommandForm, Field } from '../../components/CommandForm';
import { EvidenceFileInput } from '../../components/EvidenceFileInput';
import { useI18n } from '../../i18n';
import { useCommand } from '../../lib/useCommand';
import { Link } from '../../router';

export type GridFeature = GridCollection['features'][number];

/** The grid registry, for a select. */
export function useGrids(): readonly GridFeature[] | undefined {
  const [grids, setGrids] = useState<readonly GridFeature[] | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    dataOf<GridCollection>(streetApi.GET('/api/grids', { signal: controller.signal })).then(
      (collection) => setGrids(collection.features),
      () => setGrids([]),
    );
    return () => controller.abort();
  }, []);
  return grids;
}

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
/** Categories the street offices use most; any code of the same form is taken. */
export const CATEGORIES = [
  'street-vending',
  'illegal-parking',
  'garbage',
  'illegal-construction',
  'noise',
  'road-damage',
] as const;

export function ReportIssueForm() {
  const { t } = useI18n();
  const grids = useGrids();
  const [grid, setGrid] = useState('');
  const [category, setCategory] = useState('');
  const [severity, setSeverity] = useState<(typeof SEVERITIES)[number]>('medium');
  const [place, setPlace] = useState('');
  const [description, setDescription] = useState('');
  const [photo, setPhoto] = useState<UploadedFile | undefined>(undefined);
  const command = useCommand<{ caseId: string; issueId: string }>('street', 'issues');
  const area = grids?.find((g) => g.id === grid)?.properties;

  return (
    <CommandForm
      name="report-issue"
      title={t('form.report.title')}
      command={command}
      submitLabel={t('form.report.submit')}
      recordedText={
        command.result ? t('form.report.recorded', { caseId: command.result.caseId }) : undefined
      }
      onSubmit={() =>
        void command.submit({
          category: category.trim(),
          severity,
          location: {
            street: area?.street ?? '',
            community: area?.community ?? '',
            grid,
            description: place.trim(),
          },
          description: description.trim(),
          ...(photo ? { photos: [{ uploadId: photo.uploadId, sha256: photo.sha256 }] } : {}),
        })
      }
    >
      <p className="muted">{t('form.report.intro')}</p>
      <Field
        label={t('form.field.grid')}
        name="location.grid"
        also={['location.street', 'location.community']}
        refusal={command.refusal}
      >
        <select data-testid="report-grid" value={grid} onChange={(e) => setGrid(e.target.value)}>
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
          data-testid="report-category"
          list="report-categories"
          value={category}
          autoComplete="off"
          autoCapitalize="none"
          onChange={(e) => setCategory(e.target.value)}
        />
      </Field>
      <datalist id="report-categories">
        {CATEGORIES.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
      <Field label={t('form.field.severity')} name="severity" refusal={command.refusal}>
        <select
          data-testid="report-severity"
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
      <Field label={t('form.field.place')} name="location.description" refusal={command.refusal}>
        <input
          data-testid="report-place"
          value={place}
          onChange={(e) => setPlace(e.target.value)}
        />
      </Field>
      <Field label={t('form.field.description')} name="description" refusal={command.refusal}>
        <textarea
          data-testid="report-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <EvidenceFileInput
        kind="photo"
        capture="environment"
        testId="report-photo"
        label={t('form.report.photo')}
        onUploaded={setPhoto}
      />
      {command.result && (
        <Link
          to={`/cases/${command.result.caseId}`}
          className="button secondary"
          data-testid="report-open-case"
        >
          {t('form.report.openCase')}
        </Link>
      )}
    </CommandForm>
  );
}
