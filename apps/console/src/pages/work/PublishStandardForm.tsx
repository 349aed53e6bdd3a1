// The street admin publishes the next version of a category's discretion
// standard: a fine range per circumstance and the legal basis
// (POST /api/discretion-standards/:category). Later penalties are checked against it.
import { useState } from 'react';
import { CIRCUMSTANCES } from '../../api/work-reads';
import { CommandForm, Field } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { ChangedNote, useWork, wholeNumber } from './work-kit';

const noop = () => undefined;

export function PublishStandardForm() {
  const { t } = useI18n();
  const [category, setCategory] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [ranges, setRanges] = useState(
    CIRCUMSTANCES.map((circumstance) => ({ circumstance, on: false, min: '', max: '' })),
  );
  const command = useWork<{ revision: number }>(
    'street',
    `discretion-standards/${encodeURIComponent(category.trim())}`,
    noop,
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
