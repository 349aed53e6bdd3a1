// The street admin publishes the next version of a category's discretion
// standard: a fine range per circumstance and the legal basis
// (POST /api/discretion-standards/:category). Later penalties are checked against it.
// Beside the category, the standard published for it now (or that there is none),
// read again once a new version is recorded.
import { useCallback, useEffect, useState } from 'react';
import { CommandRefused } from '../../api/commands';
import { CIRCUMSTANCES, getStandard, type StandardVersion } from '../../api/work-reads';
import { CommandForm, Field, RefusalNotice } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { ChangedNote, useWork, wholeNumber } from './work-kit';

/** The form of a category code (the services' CategoryPipe): nothing is read for anything else. */
const CATEGORY = /^[a-z][a-z0-9-]{1,63}$/;

export function PublishStandardForm() {
  const { t } = useI18n();
  const [category, setCategory] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [ranges, setRanges] = useState(
    CIRCUMSTANCES.map((circumstance) => ({ circumstance, on: false, min: '', max: '' })),
  );
  const [published, setPublished] = useState(0);
  const reread = useCallback(() => setPublished((n) => n + 1), []);
  const command = useWork<{ revision: number }>(
    'street',
    `discretion-standards/${encodeURIComponent(category.trim())}`,
    reread,
  );
  const body = () => ({
    ranges: ranges
      .filter((r) => r.on)
      .map((r) => ({
        circumstance: r.circumstance,
        minYuan: wholeNumber(r.min),
        maxYuan: wholeNumber(r.max),
      })),
    legalBasis: legalBasis.trim(),
  });
  const update = (i: number, patch: Partial<(typeof ranges)[number]>) =>
    setRanges((all) => all.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <CommandForm
      name="publish-standard"
      title={t('ew.std.title')}
      command={command}
      onSubmit={() => void command.submit(body())}
      submitLabel={t('ew.std.submit')}
      changed={<ChangedNote />}
    >
      <Field label={t('ew.category')} name="category" refusal={command.refusal}>
        <input
          data-testid="standard-category"
          value={category}
          onChange={(e) => setCategory(e.target.value)}
        />
      </Field>
      <CurrentStandard category={category.trim()} generation={published} />
      {ranges.map((r, i) => (
        <fieldset key={r.circumstance} className="fieldset">
          <legend>
            <label>
              <input
                type="checkbox"
                data-testid={`standard-${r.circumstance}-on`}
                checked={r.on}
                onChange={(e) => update(i, { on: e.target.checked })}
              />{' '}
              {t(`ew.circumstance.${r.circumstance}`)}
            </label>
          </legend>
          {r.on && (
            <div className="field-checks">
              <Field label={t('ew.std.min')} name={`ranges.${i}.minYuan`} refusal={command.refusal}>
                <input
                  inputMode="numeric"
                  data-testid={`standard-${r.circumstance}-min`}
                  value={r.min}
                  onChange={(e) => update(i, { min: e.target.value })}
                />
              </Field>
              <Field label={t('ew.std.max')} name={`ranges.${i}.maxYuan`} refusal={command.refusal}>
                <input
                  inputMode="numeric"
                  data-testid={`standard-${r.circumstance}-max`}
                  value={r.max}
                  onChange={(e) => update(i, { max: e.target.value })}
                />
              </Field>
            </div>
          )}
        </fieldset>
      ))}
      <Field label={t('ew.legalBasis')} name="legalBasis" refusal={command.refusal}>
        <input
          data-testid="standard-legal-basis"
          value={legalBasis}
          onChange={(e) => setLegalBasis(e.target.value)}
        />
      </Field>
    </CommandForm>
  );
}

type Current =
  | { readonly state: 'loading' }
  | { readonly state: 'none' }
  | { readonly state: 'published'; readonly standard: StandardVersion }
  | { readonly state: 'failed'; readonly failure: CommandRefused };

/** What is published for the category now: its current version's ranges, or that none is. */
function CurrentStandard({ category, generation }: { category: string; generation: number }) {
  const { t, dateTime } = useI18n();
  const [current, setCurrent] = useState<Current>({ state: 'loading' });
  const valid = CATEGORY.test(category);
  useEffect(() => {
    setCurrent({ state: 'loading' });
    if (!valid) return undefined;
    const controller = new AbortController();
    getStandard(category, { signal: controller.signal })
      .then((view) => setCurrent({ state: 'published', standard: view.current }))
      .catch((error: unknown) => {
        if (controller.signal.aborted || !(error instanceof CommandRefused)) return;
        setCurrent(
          error.refusal.kind === 'not-found'
            ? { state: 'none' }
            : { state: 'failed', failure: error },
        );
      });
    return () => controller.abort();
  }, [category, valid, generation]);
  if (!valid) return null;
  if (current.state === 'failed')
    return <RefusalNotice name="standard-current" refusal={current.failure.refusal} />;
  const standard = current.state === 'published' ? current.standard : undefined;
  return (
    <div
      className="field"
      role="status"
      data-testid="standard-current"
      data-state={current.state}
      {...(standard ? { 'data-version': standard.version } : {})}
    >
      <span className="small muted">{t('ew.std.current')}</span>
      {current.state === 'loading' && <p className="muted small">{t('ew.range.loading')}</p>}
      {current.state === 'none' && <p className="banner">{t('ew.std.none', { category })}</p>}
      {standard && (
        <>
          <p>
            {t('ew.std.version', {
              version: standard.version,
              at: dateTime(standard.publishedAt),
            })}
          </p>
          <ul>
            {standard.ranges.map((r) => (
              <li
                key={r.circumstance}
                data-testid="standard-current-range"
                data-circumstance={r.circumstance}
                data-min={r.minYuan}
                data-max={r.maxYuan}
              >
                {t('ew.std.range', {
                  circumstance: t(`ew.circumstance.${r.circumstance}`),
                  min: r.minYuan,
                  max: r.maxYuan,
                })}
              </li>
            ))}
          </ul>
          <p className="muted small">{standard.legalBasis}</p>
        </>
      )}
    </div>
  );
}
