// The consolidated timeline as swimlanes: one row per agency (swc, drc, street)
// on ONE shared time axis (x = when the event occurred). Each entry is a button
// numbered in timeline order (global log position, `data-index`); entries close
// in time stack within their lane. SVG connectors join each cause to the entries
// it caused. ←/→ move through the entries in timeline order.
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, RefObject } from 'react';
import { AGENCIES, type Agency, type TimelineEntry } from '../api/types';
import { useI18n } from '../i18n';

interface Props {
  readonly entries: readonly TimelineEntry[];
  readonly selectedId: string | undefined;
  readonly onSelect: (eventId: string) => void;
  /** Entries that just arrived live (shown with a brief highlight). */
  readonly fresh?: ReadonlySet<string>;
  /** The time axis (ms); by default the entries' first..last time. */
  readonly domain?: readonly [number, number];
  /** A time marked on the axis (the time travelled to); later times are shaded. */
  readonly cursor?: number;
}

const LABEL_WIDTH = 112;
const PAD_X = 34;
const ROW_HEIGHT = 32;
const LANE_PAD = 8;
const MARKER_HEIGHT = 26;
const GAP = 4;

const markerWidth = (index: number) => 16 + 8 * String(index + 1).length;

interface Placed {
  readonly entry: TimelineEntry;
  readonly index: number;
  readonly lane: Agency;
  /** Centre, in px, relative to the plot area (x) and the whole body (y). */
  readonly x: number;
  readonly y: number;
  readonly row: number;
  readonly width: number;
}

function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(900);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

export function Swimlanes({ entries, selectedId, onSelect, fresh, domain, cursor }: Props) {
  const { t, dateTime, shortDateTime, eventType } = useI18n();
  const markerId = useId().replace(/:/g, '');
  const [ref, width] = useWidth<HTMLDivElement>();
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const plotWidth = Math.max(320, width - LABEL_WIDTH);

  const layout = useMemo(() => {
    const times = entries.map((e) => Date.parse(e.time));
    let t0 = domain ? domain[0] : Math.min(...times);
    let t1 = domain ? domain[1] : Math.max(...times);
    if (!Number.isFinite(t0)) t0 = t1 = Date.now();
    if (t1 - t0 < 60_000) {
      t0 -= 1_800_000;
      t1 += 1_800_000;
    }
    const x = (time: number) => PAD_X + ((time - t0) / (t1 - t0)) * (plotWidth - 2 * PAD_X);

    // Stack entries within each lane: the first row whose last marker ends before this one.
    const rowsEnd: Record<Agency, number[]> = { swc: [], drc: [], street: [] };
    const placedNoY = entries.map((entry, index) => {
      const lane: Agency = AGENCIES.includes(entry.agency) ? entry.agency : 'swc';
      const cx = x(Date.parse(entry.time));
      const w = markerWidth(index);
      const ends = rowsEnd[lane];
      let row = ends.findIndex((end) => end + GAP <= cx - w / 2);
      if (row < 0) {
        row = ends.length;
        ends.push(0);
      }
      ends[row] = cx + w / 2;
      return { entry, index, lane, x: cx, row, width: w };
    });
    const laneTop: Record<Agency, number> = { swc: 0, drc: 0, street: 0 };
    const laneHeight: Record<Agency, number> = { swc: 0, drc: 0, street: 0 };
    let top = 0;
    for (const lane of AGENCIES) {
      laneTop[lane] = top;
      laneHeight[lane] = Math.max(1, rowsEnd[lane].length) * ROW_HEIGHT + 2 * LANE_PAD;
      top += laneHeight[lane];
    }
    const placed: Placed[] = placedNoY.map((p) => ({
      ...p,
      y: laneTop[p.lane] + LANE_PAD + p.row * ROW_HEIGHT + ROW_HEIGHT / 2,
    }));
    const ticks = Array.from({ length: 6 }, (_, i) => t0 + ((t1 - t0) * i) / 5);
    return { placed, laneTop, laneHeight, height: top, ticks, x };
  }, [entries, plotWidth, domain]);

  const byId = useMemo(
    () => new Map(layout.placed.map((p) => [p.entry.eventId, p] as const)),
    [layout],
  );
  const links = layout.placed.flatMap((effect) => {
    const cause = effect.entry.causedBy ? byId.get(effect.entry.causedBy) : undefined;
    return cause ? [{ cause, effect }] : [];
  });

  // Keep the selected entry in view when it changes from elsewhere (details, steps).
  useEffect(() => {
    if (selectedId) buttons.current.get(selectedId)?.scrollIntoView?.({ block: 'nearest' });
  }, [selectedId]);

  const move = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const delta =
      event.key === 'ArrowRight'
        ? 1
        : event.key === 'ArrowLeft'
          ? -1
          : event.key === 'Home'
            ? -Infinity
            : event.key === 'End'
              ? Infinity
              : 0;
    if (delta === 0) return;
    event.preventDefault();
    const target = Math.min(Math.max(index + delta, 0), entries.length - 1);
    const entry = entries[Number.isFinite(target) ? target : 0];
    if (!entry) return;
    onSelect(entry.eventId);
    buttons.current.get(entry.eventId)?.focus();
  };

  return (
    <div className="swimlanes" ref={ref}>
      <div className="sl-body" style={{ height: layout.height }}>
        {AGENCIES.map((lane) => (
          <div
            key={lane}
            className={`sl-lane lane-${lane}`}
            data-testid={`lane-${lane}`}
            role="group"
            aria-label={t(`agency.${lane}.long`)}
            style={{ top: layout.laneTop[lane], height: layout.laneHeight[lane] }}
          >
            <div className="sl-lane-label" style={{ width: LABEL_WIDTH }}>
              <span className={`agency-tag agency-${lane}`}>{t(`agency.${lane}`)}</span>
            </div>
            {layout.placed
              .filter((p) => p.lane === lane)
              .map((p) => {
                const { entry, index } = p;
                const selected = entry.eventId === selectedId;
                return (
                  <button
                    key={entry.eventId}
                    ref={(el) => {
                      if (el) buttons.current.set(entry.eventId, el);
                      else buttons.current.delete(entry.eventId);
                    }}
                    type="button"
                    className={`sl-entry agency-${lane}${selected ? ' selected' : ''}${fresh?.has(entry.eventId) ? ' fresh' : ''}`}
                    data-testid="timeline-entry"
                    data-event-id={entry.eventId}
                    data-agency={entry.agency}
                    data-type={entry.type}
                    data-index={index}
                    aria-pressed={selected}
                    aria-label={t('entry.label', {
                      index: index + 1,
                      agency: t(`agency.${lane}`),
                      type: eventType(entry.type),
                      time: dateTime(entry.time),
                    })}
                    title={`${eventType(entry.type)} · ${dateTime(entry.time)}\n${entry.summary}`}
                    style={{
                      left: LABEL_WIDTH + p.x - p.width / 2,
                      top: LANE_PAD + p.row * ROW_HEIGHT + (ROW_HEIGHT - MARKER_HEIGHT) / 2,
                      width: p.width,
                    }}
                    onClick={() => onSelect(entry.eventId)}
                    onFocus={() => onSelect(entry.eventId)}
                    onKeyDown={(event) => move(event, index)}
                  >
                    {index + 1}
                  </button>
                );
              })}
          </div>
        ))}
        <svg
          className="sl-links"
          width={plotWidth}
          height={layout.height}
          style={{ left: LABEL_WIDTH }}
          aria-hidden="true"
        >
          <defs>
            <marker
              id={`${markerId}-arrow`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M 0 0 L 10 5 L 0 10 z" className="sl-arrow" />
            </marker>
          </defs>
          {cursor !== undefined && (
            <>
              <rect
                className="sl-future"
                x={Math.max(0, layout.x(cursor))}
                y={0}
                width={Math.max(0, plotWidth - layout.x(cursor))}
                height={layout.height}
              />
              <line
                className="sl-cursor"
                x1={layout.x(cursor)}
                x2={layout.x(cursor)}
                y1={0}
                y2={layout.height}
              />
            </>
          )}
          {links.map(({ cause, effect }) => {
            const active =
              selectedId === cause.entry.eventId || selectedId === effect.entry.eventId;
            const x1 = cause.x + cause.width / 2;
            const x2 = effect.x - effect.width / 2;
            const forward = x2 - x1 > 12;
            const d = forward
              ? `M ${x1} ${cause.y} C ${x1 + (x2 - x1) / 2} ${cause.y}, ${x2 - (x2 - x1) / 2} ${effect.y}, ${x2} ${effect.y}`
              : // Same moment: bow out to the right of both markers.
                `M ${x1} ${cause.y} C ${x1 + 28} ${cause.y}, ${effect.x + effect.width / 2 + 28} ${effect.y}, ${effect.x + effect.width / 2} ${effect.y}`;
            return (
              <path
                key={`${cause.entry.eventId}-${effect.entry.eventId}`}
                d={d}
                className={`sl-link${active ? ' active' : ''}`}
                data-testid="causation-link"
                data-from={cause.entry.eventId}
                data-to={effect.entry.eventId}
                markerEnd={`url(#${markerId}-arrow)`}
              >
                <title>{`${cause.index + 1} ${eventType(cause.entry.type)} → ${effect.index + 1} ${eventType(effect.entry.type)}`}</title>
              </path>
            );
          })}
        </svg>
      </div>
      <div
        className="sl-axis"
        style={{ marginLeft: LABEL_WIDTH, width: plotWidth }}
        aria-hidden="true"
      >
        {layout.ticks.map((tick, i) => (
          <span key={i} className="sl-tick" style={{ left: layout.x(tick) }}>
            {shortDateTime(tick)}
          </span>
        ))}
      </div>
    </div>
  );
}

/** The selected entry in words, with its causation as buttons to move along it. */
export function EntryDetails({
  entries,
  selectedId,
  onSelect,
}: {
  entries: readonly TimelineEntry[];
  selectedId: string | undefined;
  onSelect: (eventId: string) => void;
}) {
  const { t, dateTime, eventType } = useI18n();
  const index = entries.findIndex((e) => e.eventId === selectedId);
  const entry = entries[index];
  const link = (id: string) => {
    const i = entries.findIndex((e) => e.eventId === id);
    const target = entries[i];
    if (!target) return <code key={id}>{id.slice(0, 8)}</code>;
    return (
      <button
        key={id}
        type="button"
        className="link-button"
        onClick={() => onSelect(id)}
        aria-label={t('entry.goTo', { index: i + 1, type: eventType(target.type) })}
      >
        #{i + 1} {eventType(target.type)}
      </button>
    );
  };
  return (
    <section
      className="panel entry-details"
      aria-labelledby="entry-details-title"
      aria-live="polite"
      data-testid="entry-details"
      data-event-id={entry?.eventId ?? ''}
    >
      <h3 id="entry-details-title" className="section-title">
        {t('entry.details')}
      </h3>
      {!entry ? (
        <p className="muted">{t('entry.pick')}</p>
      ) : (
        <dl className="facts">
          <dt>{t('entry.index')}</dt>
          <dd>#{index + 1}</dd>
          <dt>{t('entry.type')}</dt>
          <dd>
            {eventType(entry.type)} <code className="muted small">{entry.type}</code>
          </dd>
          <dt>{t('entry.agency')}</dt>
          <dd>{t(`agency.${entry.agency}.long`)}</dd>
          <dt>{t('entry.time')}</dt>
          <dd>
            <time dateTime={entry.time}>{dateTime(entry.time)}</time>
          </dd>
          <dt>{t('entry.actor')}</dt>
          <dd data-testid="entry-actor" data-actor={entry.actor.id} data-kind={entry.actor.kind}>
            {entry.actor.id} ({entry.actor.agency}, {entry.actor.kind})
          </dd>
          <dt>{t('entry.summary')}</dt>
          <dd>{entry.summary}</dd>
          <dt>{t('entry.causedBy')}</dt>
          <dd data-testid="entry-caused-by" data-event-id={entry.causedBy ?? ''}>
            {entry.causedBy ? link(entry.causedBy) : t('entry.noCause')}
          </dd>
          <dt>{t('entry.causes')}</dt>
          <dd className="link-list">
            {entry.causes.length > 0 ? entry.causes.map(link) : t('entry.noEffects')}
          </dd>
          <dt>{t('entry.stream')}</dt>
          <dd>
            <code className="small">
              {entry.streamId} @{entry.revision}
            </code>
          </dd>
        </dl>
      )}
    </section>
  );
}
