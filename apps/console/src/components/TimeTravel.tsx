// Time travel controls: a slider over a range of time, a date-time picker, steps
// to the previous/next event, and "back to now". The chosen time is reported
// after a short pause (a view at a new time costs the gateway a replay).
import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { fromLocalInput, toLocalInput } from '../lib/time';

interface Props {
  /** Range of the slider, ms since epoch. */
  readonly min: number;
  readonly max: number;
  /** Slider step, ms. */
  readonly step: number;
  /** The time shown (ISO), or undefined for live. */
  readonly value: string | undefined;
  readonly onChange: (iso: string | undefined) => void;
  /** Event times to step through with the previous/next buttons. */
  readonly stops?: readonly number[];
}

const COMMIT_DELAY_MS = 400;

export function TimeTravel({ min, max, step, value, onChange, stops = [] }: Props) {
  const { t, dateTime } = useI18n();
  const id = useId();
  const valueMs = value ? Date.parse(value) : max;
  const [slider, setSlider] = useState(valueMs);
  const [picker, setPicker] = useState(value ? toLocalInput(value) : '');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    setSlider(value ? Date.parse(value) : max);
    setPicker(value ? toLocalInput(value) : '');
  }, [value, max]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const commit = (ms: number, delay = COMMIT_DELAY_MS) => {
    clearTimeout(timer.current);
    // Never in the future (the gateway refuses it); before the first event is allowed.
    const clamped = Math.min(ms, Date.now());
    timer.current = setTimeout(() => onChange(new Date(clamped).toISOString()), delay);
  };

  const sliderMin = Math.floor(min / step) * step;
  const sliderMax = Math.ceil(max / step) * step;
  const current = value ? Date.parse(value) : undefined;
  const previous = [...stops].reverse().find((s) => (current ?? Infinity) > s);
  const next = current === undefined ? undefined : stops.find((s) => s > current);

  return (
    <section className="time-travel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        {t('tt.title')}
      </h2>
      <div className="tt-row tt-slider-row">
        <label htmlFor={`${id}-slider`} className="tt-label">
          {t('tt.slider')}
        </label>
        <input
          id={`${id}-slider`}
          className="tt-slider"
          type="range"
          data-testid="time-slider"
          min={sliderMin}
          max={sliderMax}
          step={step}
          value={Math.min(Math.max(slider, sliderMin), sliderMax)}
          aria-valuetext={dateTime(slider)}
          onChange={(event) => {
            const ms = Number(event.target.value);
            setSlider(ms);
            commit(ms);
          }}
        />
      </div>
      <div className="tt-row tt-controls">
        <div className="field">
          <label htmlFor={`${id}-picker`}>{t('tt.picker')}</label>
          <input
            id={`${id}-picker`}
            type="datetime-local"
            data-testid="time-picker"
            step={1}
            min={toLocalInput(min)}
            max={toLocalInput(Date.now())}
            value={picker}
            onChange={(event) => {
              setPicker(event.target.value);
              const iso = fromLocalInput(event.target.value);
              if (iso) commit(Date.parse(iso));
            }}
          />
        </div>
        {stops.length > 0 && (
          <>
            <button
              type="button"
              className="button secondary"
              disabled={previous === undefined}
              onClick={() => previous !== undefined && commit(previous, 0)}
            >
              ← {t('tt.prev')}
            </button>
            <button
              type="button"
              className="button secondary"
              disabled={next === undefined}
              onClick={() => next !== undefined && commit(next, 0)}
            >
              {t('tt.next')} →
            </button>
          </>
        )}
        <button
          type="button"
          className="button"
          data-testid="time-now"
          disabled={!value}
          onClick={() => {
            clearTimeout(timer.current);
            onChange(undefined);
          }}
        >
          {t('tt.now')}
        </button>
        <p className="tt-state" aria-live="polite">
          {value ? (
            <>
              {t('tt.at', { time: dateTime(value) })}{' '}
              <code data-testid="as-of-label" className="iso">
                {value}
              </code>
            </>
          ) : (
            t('tt.live')
          )}
        </p>
      </div>
    </section>
  );
}
