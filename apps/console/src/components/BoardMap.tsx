// The board as a map: the street offices' grids (GET /api/agencies/street/grids)
// drawn as SVG paths, each case of the board a marker at its grid, coloured by
// risk as the badges are, a link to the case. It draws the cases the board has
// (so its filters and time travel apply); cases of grids not on the map are
// listed beside it. No tiles, no outside script: everything is SVG attributes.
import { useMemo, type MouseEvent } from 'react';
import { getGrids } from '../api/gateway';
import { RISK_LEVELS, type CaseView, type GridFeature } from '../api/types';
import { useI18n } from '../i18n';
import {
  anchorOf,
  boundsOf,
  fitProjection,
  pathOf,
  spread,
  spreadRadius,
} from '../lib/map-geometry';
import { useAsync } from '../lib/useAsync';
import { Link, navigate } from '../router';
import { RiskBadge } from './Badges';
import { ErrorMessage, Loading } from './Status';

const WIDTH = 960;
const HEIGHT = 600;
const PADDING = 24;
const MARKER_RADIUS = 8;
const SPACING = 2 * MARKER_RADIUS + 3;

interface Props {
  readonly cases: readonly CaseView[];
  /** The board's time travel, carried into the case links. */
  readonly asOf: string | undefined;
}

function follow(event: MouseEvent<Element>, to: string) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  event.preventDefault();
  navigate(to);
}

export function BoardMap({ cases, asOf }: Props) {
  const { t } = useI18n();
  const grids = useAsync((signal) => getGrids({ signal }), []);
  const features: readonly GridFeature[] = useMemo(() => grids.data?.features ?? [], [grids.data]);

  const drawn = useMemo(() => {
    const bounds = boundsOf(features.map((f) => f.geometry));
    if (!bounds) return undefined;
    const projection = fitProjection(bounds, WIDTH, HEIGHT, PADDING);
    return features.map((feature) => {
      const anchor = anchorOf(feature.geometry);
      return {
        feature,
        path: pathOf(feature.geometry, projection),
        anchor: projection.project(anchor.lon, anchor.lat),
      };
    });
  }, [features]);

  const byGrid = useMemo(() => {
    const known = new Set(features.map((f) => f.id));
    const placed = new Map<string, CaseView[]>();
    const unplaced: CaseView[] = [];
    for (const c of cases) {
      const grid = c.location?.grid;
      if (grid && known.has(grid)) placed.set(grid, [...(placed.get(grid) ?? []), c]);
      else unplaced.push(c);
    }
    return { placed, unplaced };
  }, [cases, features]);

  const caseLink = (c: CaseView) =>
    `/cases/${c.caseId}${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`;
  const riskName = (c: CaseView) =>
    c.riskLevel ? t('risk.label', { level: t(`risk.${c.riskLevel}`) }) : t('risk.none');
  const markerName = (c: CaseView) =>
    t('map.marker', {
      category: c.category ?? t('common.dash'),
      risk: riskName(c),
      grid: c.location?.grid ?? t('common.dash'),
      id: c.caseId.slice(0, 8),
    });

  if (grids.error) return <ErrorMessage error={grids.error} onRetry={grids.reload} />;
  if (!drawn) return grids.loading ? <Loading /> : <p className="empty">{t('map.noGrids')}</p>;

  return (
    <div className="board-map" data-testid="board-map">
      <div className="map-frame">
        <svg
          className="map"
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="group"
          aria-label={t('map.label')}
          data-testid="map-svg"
        >
          <g className="map-grids">
            {drawn.map(({ feature, path }) => (
              <path
                key={feature.id}
                d={path}
                fillRule="evenodd"
                className="map-grid"
                data-testid="map-grid"
                data-grid={feature.id}
              >
                <title>
                  {t('map.gridTitle', {
                    grid: feature.id,
                    community: feature.properties.community,
                    street: feature.properties.street,
                    count: byGrid.placed.get(feature.id)?.length ?? 0,
                  })}
                </title>
              </path>
            ))}
          </g>
          <g className="map-labels" aria-hidden="true">
            {drawn.map(({ feature, anchor }) => {
              const count = byGrid.placed.get(feature.id)?.length ?? 0;
              const lift = count > 0 ? spreadRadius(count, SPACING) + MARKER_RADIUS + 6 : 0;
              return (
                <text
                  key={feature.id}
                  className="map-label"
                  data-testid="map-label"
                  x={anchor.x}
                  y={anchor.y - lift}
                  textAnchor="middle"
                >
                  {feature.id}
                </text>
              );
            })}
          </g>
          <g className="map-markers">
            {drawn.map(({ feature, anchor }) => {
              const here = byGrid.placed.get(feature.id) ?? [];
              const offsets = spread(here.length, SPACING);
              return here.map((c, i) => {
                const offset = offsets[i] ?? { x: 0, y: 0 };
                const risk = c.riskLevel ?? 'none';
                const to = caseLink(c);
                return (
                  <g
                    key={c.caseId}
                    transform={`translate(${anchor.x + offset.x} ${anchor.y + offset.y})`}
                  >
                    <a
                      href={to}
                      className={`map-marker risk-${risk}`}
                      data-testid="map-marker"
                      data-case-id={c.caseId}
                      data-risk={risk}
                      data-grid={feature.id}
                      aria-label={markerName(c)}
                      onClick={(event) => follow(event, to)}
                    >
                      <title>{markerName(c)}</title>
                      <circle r={MARKER_RADIUS} className="map-marker-dot" />
                      <text className="map-marker-text" textAnchor="middle" dy="0.35em">
                        {(c.riskLevel ? t(`risk.${c.riskLevel}`) : t('risk.none')).slice(0, 1)}
                      </text>
                    </a>
                  </g>
                );
              });
            })}
          </g>
        </svg>
      </div>
      <aside className="map-side">
        <section className="map-legend" data-testid="map-legend" aria-labelledby="map-legend-title">
          <h2 id="map-legend-title" className="section-title">
            {t('map.legend')}
          </h2>
          <ul className="plain-list">
            {[...RISK_LEVELS, undefined].map((level) => (
              <li key={level ?? 'none'}>
                <RiskBadge level={level} />
              </li>
            ))}
          </ul>
          <p className="muted small">{t('map.legendNote')}</p>
        </section>
        <section className="map-unplaced" aria-labelledby="map-unplaced-title">
          <h2 id="map-unplaced-title" className="section-title">
            <span data-testid="map-unplaced" data-count={byGrid.unplaced.length}>
              {t('map.unplaced', { count: byGrid.unplaced.length })}
            </span>
          </h2>
          {byGrid.unplaced.length > 0 && (
            <ul className="plain-list">
              {byGrid.unplaced.map((c) => (
                <li key={c.caseId} data-testid="map-unplaced-case" data-case-id={c.caseId}>
                  <Link to={caseLink(c)}>{c.category ?? c.caseId.slice(0, 8)}</Link>{' '}
                  <span className="muted small">
                    {[c.location?.street, c.location?.grid].filter(Boolean).join(' · ') ||
                      t('common.dash')}
                  </span>{' '}
                  <RiskBadge level={c.riskLevel} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </aside>
    </div>
  );
}
