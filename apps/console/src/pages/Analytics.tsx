// Analytics: the 721 ratio per street and month, SLA compliance per agency and
// month, time to first response per street and month. Each chart has the
// numbers on hover (SVG <title>), a table toggle and a CSV export.
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import { getRatio721, getResponseTimes, getSlaStats } from '../api/gateway';
import type { Ratio721, ResponseTimes, SlaStats, StatsQuery } from '../api/types';
import { BarChart, type Group } from '../components/Charts';
import { ErrorMessage, Loading } from '../components/Status';
import { useI18n, type I18n } from '../i18n';
import { downloadCsv, toCsv, type Cell } from '../lib/csv';
import { hours } from '../lib/time';
import { useAsync } from '../lib/useAsync';

interface Table {
  readonly header: string[];
  readonly rows: Cell[][];
  /** How each column shows on screen (the CSV keeps raw numbers). */
  readonly format?: ((value: Cell) => string)[];
}

function ChartCard({
  name,
  title,
  description,
  chart,
  table,
  loading,
  error,
  onRetry,
}: {
  name: string;
  title: string;
  description: string;
  chart: ReactNode;
  table: Table | undefined;
  loading: boolean;
  error: Error | undefined;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  return (
    <section className="panel chart-card" aria-labelledby={`${id}-title`}>
      <div className="panel-head">
        <h2 id={`${id}-title`} className="section-title">
          {title}
        </h2>
        <div className="actions">
          <button
            type="button"
            className="button secondary small"
            data-testid={`show-table-${name}`}
            aria-expanded={showTable}
            aria-controls={`${id}-table`}
            onClick={() => setShowTable((s) => !s)}
          >
            {showTable ? t('analytics.hideTable') : t('analytics.showTable')}
          </button>
          <button
            type="button"
            className="button secondary small"
            data-testid={`export-csv-${name}`}
            disabled={!table}
            onClick={() =>
              table && downloadCsv(`gridline-${name}.csv`, toCsv(table.header, table.rows))
            }
          >
            {t('analytics.csv')}
          </button>
        </div>
      </div>
      <p className="muted small">{description}</p>
      {error && <ErrorMessage error={error} onRetry={onRetry} />}
      {loading && !table && <Loading />}
      {chart}
      <div id={`${id}-table`} hidden={!showTable} className="table-wrap">
        {table && (
          <table className="data-table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                {table.header.map((h) => (
                  <th key={h} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, ri) => (
                <tr key={ri}>
                  {row.map((cell, ci) => (
                    <td key={ci} className={typeof cell === 'number' ? 'num' : undefined}>
                      {table.format?.[ci]?.(cell) ?? cell ?? ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

const months = (rows: readonly { month: string }[]) =>
  [...new Set(rows.map((r) => r.month))].sort();
const seriesOf = <K extends string>(rows: readonly Record<K, string>[], key: K) =>
  [...new Set(rows.map((r) => r[key]))].sort();

function ratioView(data: Ratio721, i18n: I18n) {
  const { t, percent } = i18n;
  const kinds = ['service', 'management', 'enforcement'] as const;
  const groups: Group[] = months(data.rows).map((month) => ({
    key: month,
    label: month,
    bars: data.rows
      .filter((r) => r.month === month)
      .map((r) => ({
        key: r.street,
        label: r.street,
        segments: kinds.map((kind) => ({
          value: r.shares[kind] ?? 0,
          className: `fill-${kind}`,
          title: t('analytics.bar721', {
            street: r.street,
            month,
            kind: t(`analytics.${kind}`),
            count: r[kind],
            share: percent(r.shares[kind]),
          }),
        })),
      })),
  }));
  const pct = (v: Cell) => (typeof v === 'number' ? percent(v) : '—');
  const table: Table = {
    header: [
      t('analytics.street'),
      t('analytics.month'),
      t('analytics.service'),
      t('analytics.management'),
      t('analytics.enforcement'),
      t('analytics.steps'),
      `${t('analytics.service')} %`,
      `${t('analytics.management')} %`,
      `${t('analytics.enforcement')} %`,
      t('analytics.repeats'),
      t('analytics.repeatRate'),
    ],
    rows: [
      ...data.rows.map((r) => [
        r.street,
        r.month,
        r.service,
        r.management,
        r.enforcement,
        r.steps,
        r.shares.service,
        r.shares.management,
        r.shares.enforcement,
        r.repeats,
        r.repeatRate,
      ]),
      [
        t('analytics.totals'),
        '',
        data.totals.service,
        data.totals.management,
        data.totals.enforcement,
        data.totals.steps,
        data.totals.shares.service,
        data.totals.shares.management,
        data.totals.shares.enforcement,
        data.totals.repeats,
        data.totals.repeatRate,
      ],
    ],
    format: [String, String, String, String, String, String, pct, pct, pct, String, pct].map(
      (f) => (v: Cell) => (v === null || v === undefined ? '—' : f(v)),
    ),
  };
  const legend = kinds.map((kind) => ({
    className: `fill-${kind}`,
    label: t(`analytics.${kind}`),
  }));
  return { groups, table, legend };
}

function slaView(data: SlaStats, i18n: I18n) {
  const { t, percent } = i18n;
  const agencies = seriesOf(data.rows, 'agency');
  const agencyName = (a: string) =>
    a === 'street' || a === 'drc' || a === 'swc' ? t(`agency.${a}`) : a;
  const groups: Group[] = months(data.rows).map((month) => ({
    key: month,
    label: month,
    bars: data.rows
      .filter((r) => r.month === month)
      .map((r) => ({
        key: r.agency,
        label: agencyName(r.agency),
        segments: [
          {
            value: r.compliance ?? 0,
            className: `fill-series-${agencies.indexOf(r.agency)}`,
            title:
              r.compliance === null
                ? t('analytics.barSlaNone', { agency: agencyName(r.agency), month })
                : t('analytics.barSla', {
                    agency: agencyName(r.agency),
                    month,
                    value: percent(r.compliance),
                    onTime: r.completedOnTime,
                    late: r.completedLate,
                    escalated: r.escalated,
                  }),
          },
        ],
      })),
  }));
  const table: Table = {
    header: [
      t('analytics.agency'),
      t('analytics.month'),
      t('analytics.onTime'),
      t('analytics.late'),
      t('analytics.escalated'),
      t('analytics.compliance'),
    ],
    rows: [
      ...data.rows.map((r) => [
        agencyName(r.agency),
        r.month,
        r.completedOnTime,
        r.completedLate,
        r.escalated,
        r.compliance,
      ]),
      [
        t('analytics.totals'),
        '',
        data.totals.completedOnTime,
        data.totals.completedLate,
        data.totals.escalated,
        data.totals.compliance,
      ],
    ],
    format: [
      String,
      String,
      String,
      String,
      String,
      (v) => (typeof v === 'number' ? percent(v) : '—'),
    ],
  };
  const legend = agencies.map((a, i) => ({ className: `fill-series-${i}`, label: agencyName(a) }));
  return { groups, table, legend };
}

function responseView(data: ResponseTimes, i18n: I18n) {
  const { t, number } = i18n;
  const streets = seriesOf(data.rows, 'street');
  const h = (ms: number | null) => hours(ms);
  const groups: Group[] = months(data.rows).map((month) => ({
    key: month,
    label: month,
    bars: data.rows
      .filter((r) => r.month === month && r.firstResponse.count > 0)
      .map((r) => ({
        key: r.street,
        label: r.street,
        segments: [
          {
            value: h(r.firstResponse.averageMs) ?? 0,
            className: `fill-series-${streets.indexOf(r.street) % 6}`,
            title: t('analytics.barResponse', {
              street: r.street,
              month,
              value: t('analytics.hours', { value: number(h(r.firstResponse.averageMs) ?? 0, 1) }),
              max: t('analytics.hours', { value: number(h(r.firstResponse.maxMs) ?? 0, 1) }),
              count: r.firstResponse.count,
            }),
          },
        ],
      })),
  }));
  const table: Table = {
    header: [
      t('analytics.street'),
      t('analytics.month'),
      t('analytics.firstResponseCount'),
      t('analytics.firstResponseAvg'),
      t('analytics.firstResponseMax'),
      t('analytics.closureCount'),
      t('analytics.closureAvg'),
    ],
    rows: [
      ...data.rows.map((r) => [
        r.street,
        r.month,
        r.firstResponse.count,
        h(r.firstResponse.averageMs),
        h(r.firstResponse.maxMs),
        r.closure.count,
        h(r.closure.averageMs),
      ]),
      [
        t('analytics.totals'),
        '',
        data.totals.firstResponse.count,
        h(data.totals.firstResponse.averageMs),
        h(data.totals.firstResponse.maxMs),
        data.totals.closure.count,
        h(data.totals.closure.averageMs),
      ],
    ],
  };
  const legend = streets.map((s, i) => ({ className: `fill-series-${i % 6}`, label: s }));
  return { groups, table, legend };
}

export function Analytics() {
  const i18n = useI18n();
  const { t, percent, number } = i18n;
  const fromId = useId();
  const toId = useId();
  const [range, setRange] = useState<StatsQuery>({});
  const [draft, setDraft] = useState<{ from: string; to: string }>({ from: '', to: '' });
  const key = JSON.stringify(range);

  const ratio = useAsync((signal) => getRatio721(range, { signal }), [key]);
  const sla = useAsync((signal) => getSlaStats(range, { signal }), [key]);
  const response = useAsync((signal) => getResponseTimes(range, { signal }), [key]);

  const r = ratio.data ? ratioView(ratio.data, i18n) : undefined;
  const s = sla.data ? slaView(sla.data, i18n) : undefined;
  const p = response.data ? responseView(response.data, i18n) : undefined;

  return (
    <div className="page analytics-page">
      <div className="page-head">
        <h1 tabIndex={-1}>{t('analytics.title')}</h1>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            setRange({
              ...(draft.from ? { from: draft.from } : {}),
              ...(draft.to ? { to: draft.to } : {}),
            });
          }}
        >
          <div className="field">
            <label htmlFor={fromId}>{t('analytics.from')}</label>
            <input
              id={fromId}
              type="month"
              value={draft.from}
              onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))}
            />
          </div>
          <div className="field">
            <label htmlFor={toId}>{t('analytics.to')}</label>
            <input
              id={toId}
              type="month"
              value={draft.to}
              onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))}
            />
          </div>
          <button type="submit" className="button">
            {t('analytics.apply')}
          </button>
        </form>
      </div>
      <ChartCard
        name="721"
        title={t('analytics.r721')}
        description={t('analytics.r721.desc')}
        loading={ratio.loading}
        error={ratio.error}
        onRetry={ratio.reload}
        table={r?.table}
        chart={
          r && (
            <BarChart
              title={t('analytics.chartLabel', { title: t('analytics.r721') })}
              groups={r.groups}
              legend={r.legend}
              yMax={1}
              yFormat={(v) => percent(v)}
              testId="chart-721"
              emptyText={t('analytics.noData')}
            />
          )
        }
      />
      <div className="two-col">
        <ChartCard
          name="sla"
          title={t('analytics.sla')}
          description={t('analytics.sla.desc')}
          loading={sla.loading}
          error={sla.error}
          onRetry={sla.reload}
          table={s?.table}
          chart={
            s && (
              <BarChart
                title={t('analytics.chartLabel', { title: t('analytics.sla') })}
                groups={s.groups}
                legend={s.legend}
                yMax={1}
                yFormat={(v) => percent(v)}
                testId="chart-sla"
                emptyText={t('analytics.noData')}
              />
            )
          }
        />
        <ChartCard
          name="response"
          title={t('analytics.response')}
          description={t('analytics.response.desc')}
          loading={response.loading}
          error={response.error}
          onRetry={response.reload}
          table={p?.table}
          chart={
            p && (
              <BarChart
                title={t('analytics.chartLabel', { title: t('analytics.response') })}
                groups={p.groups}
                legend={p.legend}
                yFormat={(v) => t('analytics.hours', { value: number(v, 1) })}
                testId="chart-response"
                emptyText={t('analytics.noData')}
              />
            )
          }
        />
      </div>
    </div>
  );
}
