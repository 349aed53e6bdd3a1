// The case board's filters. Each is a labelled control; the board mirrors them in
// the URL. Text filters apply after a short pause in typing, on Enter or on leaving.
import { useEffect, useId, useRef, useState } from 'react';
import { AGENCIES, RISK_LEVELS, type CaseFilters } from '../api/types';
import { useI18n } from '../i18n';

interface Props {
  readonly value: CaseFilters;
  readonly onChange: (next: CaseFilters) => void;
  /** Streets and grids seen on the board, offered as suggestions. */
  readonly streets: readonly string[];
  readonly grids: readonly string[];
}

function without<K extends keyof CaseFilters>(filters: CaseFilters, key: K, value: string) {
  const next: Record<string, string> = { ...filters };
  if (value) next[key] = value;
  else delete next[key];
  return next as CaseFilters;
}

function TextFilter({
  label,
  testId,
  value,
  suggestions,
  onCommit,
}: {
  label: string;
  testId: string;
  value: string;
  suggestions: readonly string[];
  onCommit: (value: string) => void;
}) {
  const id = useId();
  const [text, setText] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => setText(value), [value]);
  const commit = (next: string) => {
    clearTimeout(timer.current);
    if (next.trim() !== value) onCommit(next.trim());
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        data-testid={testId}
        value={text}
        list={`${id}-list`}
        maxLength={100}
        autoComplete="off"
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => commit(next), 500);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit(text);
        }}
        onBlur={() => commit(text)}
      />
      <datalist id={`${id}-list`}>
        {suggestions.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </div>
  );
}

function SelectFilter({
  label,
  testId,
  value,
  options,
  onChange,
}: {
  label: string;
  testId: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        data-testid={testId}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{t('common.any')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Filters({ value, onChange, streets, grids }: Props) {
  const { t } = useI18n();
  const set = (key: keyof CaseFilters) => (next: string) => onChange(without(value, key, next));
  const active = Object.keys(value).length > 0;
  const overdueId = useId();
  return (
    <fieldset className="filters">
      <legend>{t('filters.title')}</legend>
      <SelectFilter
        label={t('filters.status')}
        testId="filter-status"
        value={value.status ?? ''}
        options={(['reported', 'open', 'closed'] as const).map((s) => ({
          value: s,
          label: t(`status.${s}`),
        }))}
        onChange={set('status')}
      />
      <TextFilter
        label={t('filters.street')}
        testId="filter-street"
        value={value.street ?? ''}
        suggestions={streets}
        onCommit={set('street')}
      />
      <TextFilter
        label={t('filters.grid')}
        testId="filter-grid"
        value={value.grid ?? ''}
        suggestions={grids}
        onCommit={set('grid')}
      />
      <SelectFilter
        label={t('filters.agency')}
        testId="filter-agency"
        value={value.agency ?? ''}
        options={AGENCIES.map((a) => ({ value: a, label: t(`agency.${a}`) }))}
        onChange={set('agency')}
      />
      <SelectFilter
        label={t('filters.risk')}
        testId="filter-risk"
        value={value.riskLevel ?? ''}
        options={RISK_LEVELS.map((r) => ({ value: r, label: t(`risk.${r}`) }))}
        onChange={set('riskLevel')}
      />
      <SelectFilter
        label={t('filters.mode')}
        testId="filter-mode"
        value={value.mode ?? ''}
        options={(['routine', 'emergency'] as const).map((m) => ({
          value: m,
          label: t(`mode.${m}`),
        }))}
        onChange={set('mode')}
      />
      <div className="field field-check">
        <input
          id={overdueId}
          type="checkbox"
          data-testid="filter-overdue"
          checked={value.overdue === 'true'}
          onChange={(event) => set('overdue')(event.target.checked ? 'true' : '')}
        />
        <label htmlFor={overdueId}>{t('filters.overdue.true')}</label>
      </div>
      <div className="field field-action">
        <button
          type="button"
          className="button secondary"
          disabled={!active}
          onClick={() => onChange({})}
        >
          {t('filters.clear')}
        </button>
      </div>
    </fieldset>
  );
}
