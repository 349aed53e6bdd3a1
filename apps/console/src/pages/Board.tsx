// The case board: the gateway's case list (newest activity first) with filters
// mirrored in the URL, "load more" cursor paging, SLA countdowns, and live
// updates from the stream (a case that changes is fetched again; a new one
// appears on top). With `asOf` in the URL it shows the list as it stood then
// and pauses live updates. With `view=map` the same cases are drawn on the grid
// map (components/BoardMap.tsx), every page loaded (up to MAP_MAX).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getCase, listCases } from '../api/gateway';
import { FILTER_KEYS, type CaseFilters, type CaseView, type TimelineEntry } from '../api/types';
import { ModeBadge, RiskBadge, StatusBadge } from '../components/Badges';
import { BoardMap } from '../components/BoardMap';
import { Filters } from '../components/Filters';
import { SlaCountdown } from '../components/SlaCountdown';
import { ErrorMessage, Loading } from '../components/Status';
import { TimeTravel } from '../components/TimeTravel';
import { useI18n } from '../i18n';
import { useLiveEntries } from '../live';
import { nextDue, parseIso } from '../lib/time';
import { Link, navigate, useLocation } from '../router';

const PAGE_SIZE = 25;
/** The map loads every page of the board up to this many cases. */
const MAP_MAX = 1000;
const MAP_PAGE_SIZE = 100;

type View = 'list' | 'map';
const viewFrom = (query: URLSearchParams): View => (query.get('view') === 'map' ? 'map' : 'list');
const LIVE_DEBOUNCE_MS = 400;
const HOUR = 3_600_000;

function filtersFrom(query: URLSearchParams): CaseFilters {
  const filters: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

function boardUrl(filters: CaseFilters, asOf: string | undefined, view: View): string {
  const params = new URLSearchParams();
  if (view === 'map') params.set('view', 'map');
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (asOf) params.set('asOf', asOf);
  const text = params.toString();
  return text ? `/board?${text}` : '/board';
}

const byActivity = (a: CaseView, b: CaseView) =>
  b.lastEventAt.localeCompare(a.lastEventAt) || b.caseId.localeCompare(a.caseId);

export function Board() {
  const { t, dateTime } = useI18n();
  const { query } = useLocation();
  const filters = useMemo(() => filtersFrom(query), [query]);
  const filterKey = JSON.stringify(filters);
  const asOf = parseIso(query.get('asOf'));
  const view = viewFrom(query);

  const [items, setItems] = useState<readonly CaseView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [moreLoading, setMoreLoading] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [rangeStart, setRangeStart] = useState(() => Date.now() - 180 * 24 * HOUR);
  const [generation, setGeneration] = useState(0);
  // The slider's end: when the page opened (the picker and "now" reach later times).
  const [openedAt] = useState(() => Date.now());
  const itemsRef = useRef(items);
  itemsRef.current = items;

  // First page whenever the filters or the time change.
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    const current = JSON.parse(filterKey) as CaseFilters;
    listCases(
      { ...current, limit: PAGE_SIZE, ...(asOf ? { asOf } : {}) },
      { signal: controller.signal },
    )
      .then((page) => {
        setItems(page.items);
        setCursor(page.nextCursor);
        if (!asOf) {
          const starts = page.items.map((c) =>
            Date.parse(c.reportedAt ?? c.openedAt ?? c.lastEventAt),
          );
          const earliest = Math.min(...starts.filter(Number.isFinite));
          if (Number.isFinite(earliest)) setRangeStart((s) => Math.min(s, earliest - 24 * HOUR));
        }
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught as Error);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [filterKey, asOf, generation]);

  const loadMore = async () => {
    if (!cursor) return;
    setMoreLoading(true);
    try {
      const page = await listCases({
        ...filters,
        cursor,
        limit: view === 'map' ? MAP_PAGE_SIZE : PAGE_SIZE,
        ...(asOf ? { asOf } : {}),
      });
      setItems((current) => {
        const seen = new Set(current.map((c) => c.caseId));
        return [...current, ...page.items.filter((c) => !seen.has(c.caseId))];
      });
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setMoreLoading(false);
    }
  };

  // The map shows every case of the board: it loads the further pages itself.
  useEffect(() => {
    if (view === 'map' && cursor && !loading && !moreLoading && !error && items.length < MAP_MAX)
      void loadMore();
  }, [view, cursor, loading, moreLoading, error, items.length]);

  // Live: collect the cases entries arrive for, then refresh them in one go.
  const pending = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const flush = useCallback(async () => {
    const ids = [...pending.current];
    pending.current.clear();
    if (ids.length === 0) return;
    const onBoard = new Set(itemsRef.current.map((c) => c.caseId));
    const known = ids.filter((id) => onBoard.has(id));
    const updated = (
      await Promise.all(known.map((id) => getCase(id).catch(() => undefined)))
    ).filter((c): c is CaseView => c !== undefined);
    let added: CaseView[] = [];
    if (ids.some((id) => !onBoard.has(id))) {
      const page = await listCases({ ...filters, limit: PAGE_SIZE }).catch(() => undefined);
      added = page?.items.filter((c) => !onBoard.has(c.caseId)) ?? [];
    }
    setItems((current) => {
      const replaced = current.map((c) => updated.find((u) => u.caseId === c.caseId) ?? c);
      return [...added, ...replaced].sort(byActivity);
    });
    const changed = new Set([...updated, ...added].map((c) => c.caseId));
    if (changed.size > 0) {
      setFresh(changed);
      setAnnouncement(t('board.updated', { count: changed.size }));
    }
  }, [filters, t]);

  useLiveEntries((entry: TimelineEntry) => {
    pending.current.add(entry.caseId);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void flush(), LIVE_DEBOUNCE_MS);
  }, !asOf);
  useEffect(() => () => clearTimeout(timer.current), []);

  const streets = useMemo(
    () => [...new Set(items.map((c) => c.location?.street).filter((s): s is string => !!s))].sort(),
    [items],
  );
  const grids = useMemo(
    () => [...new Set(items.map((c) => c.location?.grid).filter((s): s is string => !!s))].sort(),
    [items],
  );

  return (
    <div className="page board-page">
      <div className="page-head">
        <h1 tabIndex={-1}>{t('board.title')}</h1>
      </div>
      <Filters
        value={filters}
        onChange={(next) => navigate(boardUrl(next, asOf, view), { replace: true })}
        streets={streets}
        grids={grids}
      />
      <TimeTravel
        min={rangeStart}
        max={openedAt}
        step={HOUR}
        value={asOf}
        onChange={(iso) => navigate(boardUrl(filters, iso, view))}
      />
      {asOf && (
        <p className="banner" role="status">
          {t('board.asOfBanner', { time: dateTime(asOf) })}{' '}
          <time data-testid="board-as-of" dateTime={asOf} className="iso">
            {asOf}
          </time>
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {error && <ErrorMessage error={error} onRetry={() => setGeneration((g) => g + 1)} />}
      <div className="view-switch" role="group" aria-label={t('board.view')}>
        {(['list', 'map'] as const).map((v) => (
          <button
            key={v}
            type="button"
            className="button secondary"
            data-testid={`view-${v}`}
            aria-pressed={view === v}
            onClick={() => navigate(boardUrl(filters, asOf, v))}
          >
            {t(`board.view.${v}`)}
          </button>
        ))}
      </div>
      {view === 'map' ? (
        <div aria-busy={loading || moreLoading}>
          <BoardMap cases={items} asOf={asOf} />
        </div>
      ) : (
        <div className="table-wrap" data-testid="board" aria-busy={loading}>
          <table className="cases">
            <caption className="visually-hidden">{t('board.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.col.case')}</th>
                <th scope="col">{t('board.col.place')}</th>
                <th scope="col">{t('board.col.status')}</th>
                <th scope="col">{t('board.col.risk')}</th>
                <th scope="col">{t('board.col.mode')}</th>
                <th scope="col">{t('board.col.agencies')}</th>
                <th scope="col">{t('board.col.sla')}</th>
                <th scope="col">{t('board.col.last')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr
                  key={c.caseId}
                  data-testid="case-row"
                  data-case-id={c.caseId}
                  data-risk={c.riskLevel ?? 'none'}
                  data-status={c.status}
                  className={fresh.has(c.caseId) ? 'fresh' : undefined}
                >
                  <td>
                    <Link
                      to={`/cases/${c.caseId}${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`}
                      className="case-link"
                    >
                      {c.category ?? t('common.dash')}
                    </Link>
                    <div className="muted small mono">{c.caseId.slice(0, 8)}</div>
                  </td>
                  <td>
                    {c.location?.street ?? t('common.dash')}
                    {c.location?.grid && <div className="muted small">{c.location.grid}</div>}
                  </td>
                  <td>
                    <StatusBadge status={c.status} />
                  </td>
                  <td>
                    <RiskBadge level={c.riskLevel} />
                  </td>
                  <td>
                    <ModeBadge mode={c.mode} />
                  </td>
                  <td>
                    <span className="agency-list">
                      {c.agencies.map((a) => (
                        <span key={a} className={`agency-tag agency-${a}`}>
                          {t(`agency.${a}`)}
                          {c.leadAgency === a && (
                            <span className="lead-mark"> · {t('role.lead')}</span>
                          )}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td>
                    <SlaCountdown
                      dueAt={c.nextDueAt ?? nextDue(c.assignments)}
                      {...(asOf ? { at: asOf } : {})}
                    />
                  </td>
                  <td>
                    <time dateTime={c.lastEventAt}>{dateTime(c.lastEventAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {loading && <Loading />}
          {!loading && items.length === 0 && !error && <p className="empty">{t('board.empty')}</p>}
        </div>
      )}
      <div className="board-foot">
        <span className="muted">{t('board.count', { count: items.length })}</span>
        {cursor ? (
          <button
            type="button"
            className="button secondary"
            onClick={() => void loadMore()}
            disabled={moreLoading}
          >
            {moreLoading ? t('common.loading') : t('board.loadMore')}
          </button>
        ) : (
          items.length > 0 && <span className="muted">{t('board.noMore')}</span>
        )}
      </div>
    </div>
  );
}
