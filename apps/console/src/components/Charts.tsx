// Hand-made SVG bar charts. Bars are grouped (e.g. by month), each bar may be a
// stack of segments; every segment has an SVG <title> with the number behind it,
// so hovering shows it, and the chart has a text legend (colour is never the only cue).
import { useId, useLayoutEffect, useRef, useState } from 'react';

export interface Segment {
  readonly value: number;
  /** A class choosing the fill (`fill-service`, `fill-series-0`, …). */
  readonly className: string;
  /** The number behind it, in words: the bar's tooltip. */
  readonly title: string;
}

export interface Bar {
  readonly key: string;
  /** Short label under the bar (the series within the group). */
  readonly label: string;
  readonly segments: readonly Segment[];
}

export interface Group {
  readonly key: string;
  readonly label: string;
  readonly bars: readonly Bar[];
}

export interface LegendItem {
  readonly className: string;
  readonly label: string;
}

interface Props {
  readonly title: string;
  readonly groups: readonly Group[];
  readonly legend: readonly LegendItem[];
  readonly yFormat: (value: number) => string;
  /** Fixed top of the scale (1 for shares); otherwise the largest bar. */
  readonly yMax?: number;
  readonly testId: string;
  readonly emptyText: string;
}

const HEIGHT = 260;
const MARGIN = { top: 12, right: 12, bottom: 54, left: 56 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const scaled = value / power;
  const step = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return step * power;
}

/** The bar's label cut to what fits under it (the legend and tooltip name it in full). */
function shortLabel(label: string, width: number): string {
  const fits = Math.floor(width / 7);
  if (fits < 3) return '';
  return label.length > fits ? `${label.slice(0, fits - 1)}…` : label;
}

export function BarChart({ title, groups, legend, yFormat, yMax, testId, emptyText }: Props) {
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(720);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const barCount = groups.reduce((n, g) => n + g.bars.length, 0);
  const totals = groups.flatMap((g) =>
    g.bars.map((b) => b.segments.reduce((s, x) => s + x.value, 0)),
  );
  const top = yMax ?? niceMax(Math.max(0, ...totals));
  const plotW = Math.max(200, width - MARGIN.left - MARGIN.right);
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const groupGap = 18;
  const groupW =
    groups.length > 0 ? (plotW - groupGap * (groups.length - 1)) / groups.length : plotW;
  const y = (value: number) => MARGIN.top + plotH - (value / top) * plotH;
  const ticks = Array.from({ length: 5 }, (_, i) => (top * i) / 4);

  return (
    <figure className="chart" ref={ref}>
      {barCount === 0 ? (
        <p className="muted" data-testid={testId}>
          {emptyText}
        </p>
      ) : (
        <svg
          data-testid={testId}
          role="img"
          aria-labelledby={titleId}
          width={width}
          height={HEIGHT}
          viewBox={`0 0 ${width} ${HEIGHT}`}
        >
          <title id={titleId}>{title}</title>
          {ticks.map((tick) => (
            <g key={tick} className="chart-grid">
              <line x1={MARGIN.left} x2={MARGIN.left + plotW} y1={y(tick)} y2={y(tick)} />
              <text x={MARGIN.left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
                {yFormat(tick)}
              </text>
            </g>
          ))}
          {groups.map((group, gi) => {
            const gx = MARGIN.left + gi * (groupW + groupGap);
            const barW = Math.min(
              44,
              (groupW - 4 * (group.bars.length - 1)) / Math.max(1, group.bars.length),
            );
            const used = barW * group.bars.length + 4 * (group.bars.length - 1);
            const start = gx + (groupW - used) / 2;
            return (
              <g key={group.key} className="chart-group">
                {group.bars.map((bar, bi) => {
                  const bx = start + bi * (barW + 4);
                  let base = 0;
                  return (
                    <g key={bar.key} className="chart-bar">
                      {bar.segments.map((segment, si) => {
                        const y0 = y(base);
                        base += segment.value;
                        const y1 = y(base);
                        return (
                          <rect
                            key={si}
                            x={bx}
                            y={y1}
                            width={barW}
                            // A zero still shows as a stub on the axis, so 0 % is seen, not missed.
                            height={Math.max(bar.segments.length === 1 ? 2 : 0, y0 - y1)}
                            {...(y0 - y1 < 2 && bar.segments.length === 1 ? { y: y0 - 2 } : {})}
                            className={segment.className}
                            data-value={segment.value}
                          >
                            <title>{segment.title}</title>
                          </rect>
                        );
                      })}
                      {/* An invisible full-height target so thin bars are easy to hover. */}
                      {bar.segments.length === 1 && (
                        <rect
                          x={bx}
                          y={MARGIN.top}
                          width={barW}
                          height={plotH}
                          className="chart-hit"
                        >
                          <title>{bar.segments[0]?.title}</title>
                        </rect>
                      )}
                      <text
                        x={bx + barW / 2}
                        y={MARGIN.top + plotH + 14}
                        textAnchor="middle"
                        className="chart-bar-label"
                      >
                        {shortLabel(bar.label, barW)}
                      </text>
                    </g>
                  );
                })}
                <text
                  x={gx + groupW / 2}
                  y={MARGIN.top + plotH + 34}
                  textAnchor="middle"
                  className="chart-group-label"
                >
                  {group.label}
                </text>
              </g>
            );
          })}
          <line
            className="chart-axis"
            x1={MARGIN.left}
            x2={MARGIN.left + plotW}
            y1={MARGIN.top + plotH}
            y2={MARGIN.top + plotH}
          />
        </svg>
      )}
      <figcaption className="legend">
        {legend.map((item) => (
          <span key={item.label} className="legend-item">
            <svg width="14" height="14" aria-hidden="true">
              <rect width="14" height="14" className={item.className} />
            </svg>
            {item.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
