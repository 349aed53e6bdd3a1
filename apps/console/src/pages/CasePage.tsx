// One case: summary, the consolidated timeline in agency swimlanes with
// causation, assignments and deadlines, the 721 progression, evidence digests,
// publicity and appeal. Live entries arrive from the stream. With `?asOf=` the
// page shows the case as it stood then (timeline up to then) and what changed since.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { getCase, getCaseAsOf, getCaseDiff, getTimeline } from '../api/gateway';
import type { CaseAsOf, CaseDiff, CaseView, EvidenceItem, TimelineEntry } from '../api/types';
import { ModeBadge, RiskBadge, StatusBadge } from '../components/Badges';
import {
  Assignments,
  Evidence,
  EnforcementSteps,
  PublicityAndAppeal,
} from '../components/CasePanels';
import { DiffPanel } from '../components/DiffPanel';
import { ErrorMessage, Loading } from '../components/Status';
import { EntryDetails, Swimlanes } from '../components/Swimlanes';
import { TimeTravel } from '../components/TimeTravel';
import { useI18n } from '../i18n';
import { useLiveEntries } from '../live';
import { CaseWork } from './case/CaseWork';
import { decisionState, enforcementSteps } from '../lib/enforcement';
import { fromCaseView, fromHistory, type CaseSnapshot } from '../lib/snapshot';
import { parseIso } from '../lib/time';
import { Link, navigate, useLocation } from '../router';
import { AgencyWork } from './work/AgencyWork';

const LIVE_DEBOUNCE_MS = 300;

interface Live {
  readonly view: CaseView;
  readonly timeline: readonly TimelineEntry[];
  readonly fold?: CaseAsOf;
}

const byPosition = (a: TimelineEntry, b: TimelineEntry) =>
  a.position.commit - b.position.commit || a.position.prepare - b.position.prepare;

async function loadLive(caseId: string, signal: AbortSignal): Promise<Live> {
  const [view, timeline, fold] = await Promise.all([
    getCase(caseId, { signal }),
    getTimeline(caseId, { signal }),
    // The fold gives the decisions' publicity and appeal; the page works without it.
    getCaseAsOf(caseId, new Date().toISOString(), { signal }).catch(() => undefined),
  ]);
  return { view, timeline: timeline.entries, ...(fold ? { fold } : {}) };
}

export function CasePage({ caseId }: { caseId: string }) {
  const { t, dateTime } = useI18n();
  const { query } = useLocation();
  const asOf = parseIso(query.get('asOf'));

  const [live, setLive] = useState<Live | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [past, setPast] = useState<{
    at: string;
    fold?: CaseAsOf;
    diff?: CaseDiff;
    error?: Error;
  }>();
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const [generation, setGeneration] = useState(0);

  // The case now: view, timeline, fold. Reloaded on live entries (debounced).
  // A case just opened or reported may not be in the read model yet: a 404 is
  // asked again a few times before it is shown.
  const notFoundTries = useRef(0);
  useEffect(() => {
    const controller = new AbortController();
    let retry: ReturnType<typeof setTimeout> | undefined;
    loadLive(caseId, controller.signal)
      .then((value) => {
        setLive(value);
        setError(undefined);
      })
      .catch((caught: unknown) => {
        if (controller.signal.aborted) return;
        if (caught instanceof ApiError && caught.status === 404 && notFoundTries.current++ < 15)
          retry = setTimeout(() => setGeneration((g) => g + 1), 700);
        else setError(caught as Error);
      });
    return () => {
      controller.abort();
      clearTimeout(retry);
    };
  }, [caseId, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  // The case at the chosen time, and the diff from then to now.
  useEffect(() => {
    if (!asOf) {
      setPast(undefined);
      return undefined;
    }
    const controller = new AbortController();
    const now = new Date().toISOString();
    const signal = controller.signal;
    setPast({ at: asOf });
    void Promise.allSettled([
      getCaseAsOf(caseId, asOf, { signal }),
      getCaseDiff(caseId, asOf < now ? asOf : now, now, { signal }),
    ]).then(([fold, diff]) => {
      if (signal.aborted) return;
      setPast({
        at: asOf,
        ...(fold.status === 'fulfilled' ? { fold: fold.value } : { error: fold.reason as Error }),
        ...(diff.status === 'fulfilled' ? { diff: diff.value } : {}),
      });
    });
    return () => controller.abort();
  }, [caseId, asOf]);

  // Live entries of this case: shown at once, then the case is read again for
  // causation links, assignments and the fold.
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useLiveEntries((entry) => {
    if (entry.caseId !== caseId) return;
    setLive((current) =>
      current && !current.timeline.some((e) => e.eventId === entry.eventId)
        ? { ...current, timeline: [...current.timeline, entry].sort(byPosition) }
        : current,
    );
    setFresh((current) => new Set([...current, entry.eventId]));
    setAnnouncement(t('case.liveEntry', { summary: entry.summary }));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setGeneration((g) => g + 1), LIVE_DEBOUNCE_MS);
  });
  useEffect(() => () => clearTimeout(timer.current), []);

  // Evidence digests: carried by the timeline entries of the events that record evidence.
  const evidence = useMemo(
    (): EvidenceItem[] =>
      (live?.timeline ?? []).flatMap((entry) =>
        (entry.evidence ?? []).map((digest) => ({
          ...digest,
          eventId: entry.eventId,
          occurredAt: entry.time,
        })),
      ),
    [live],
  );

  const entries = useMemo(() => {
    const all = live?.timeline ?? [];
    if (!asOf) return all;
    const at = Date.parse(asOf);
    const shown = all.filter((e) => Date.parse(e.time) <= at);
    const ids = new Set(shown.map((e) => e.eventId));
    return shown.map((e) => ({ ...e, causes: e.causes.filter((id) => ids.has(id)) }));
  }, [live, asOf]);

  const snapshot: CaseSnapshot | undefined = useMemo(() => {
    if (asOf) return past?.fold ? fromHistory(past.fold.case, asOf) : undefined;
    return live ? fromCaseView(live.view, live.fold?.case.decisions) : undefined;
  }, [asOf, past, live]);

  const stops = useMemo(
    () => [...new Set((live?.timeline ?? []).map((e) => Date.parse(e.time)))].sort((a, b) => a - b),
    [live],
  );

  // While travelling, the axis stays that of the whole timeline, with the time marked.
  const domain = useMemo<readonly [number, number] | undefined>(() => {
    const first = stops[0];
    const last = stops[stops.length - 1];
    if (first === undefined || last === undefined || !asOf) return undefined;
    const at = Date.parse(asOf);
    return [Math.min(first, at), last];
  }, [stops, asOf]);

  const setAsOf = (iso: string | undefined) =>
    navigate(`/cases/${caseId}${iso ? `?asOf=${encodeURIComponent(iso)}` : ''}`, {
      replace: !!asOf && !!iso,
    });

  if (error) {
    const forbidden = error instanceof ApiError && (error.status === 403 || error.status === 404);
    return (
      <div className="page" data-testid="case-page" data-case-id={caseId}>
        <h1 tabIndex={-1}>{t('case.title', { id: caseId.slice(0, 8) })}</h1>
        {forbidden ? (
          <p className="error" role="alert">
            {t('case.forbidden', { message: error.message })}
          </p>
        ) : (
          <ErrorMessage error={error} onRetry={() => setGeneration((g) => g + 1)} />
        )}
        <Link to="/board">{t('common.back')}</Link>
      </div>
    );
  }
  if (!live) return <Loading />;

  const steps = enforcementSteps(entries, snapshot?.decisions);
  const decisions = decisionState(entries, snapshot?.decisions);
  const evidenceShown = asOf
    ? evidence.filter((e) => Date.parse(e.occurredAt) <= Date.parse(asOf))
    : evidence;
  const notYet = past?.error instanceof ApiError && past.error.status === 404;

  return (
    <div className="page case-page" data-testid="case-page" data-case-id={caseId}>
      <div className="page-head">
        <div>
          <Link to="/board" className="small">
            ← {t('common.back')}
          </Link>
          <h1 tabIndex={-1}>
            {t('case.title', { id: caseId.slice(0, 8) })}
            {snapshot?.category && <span className="muted"> · {snapshot.category}</span>}
          </h1>
        </div>
        {snapshot && (
          <div className="badges">
            <StatusBadge status={snapshot.status} />
            <RiskBadge level={snapshot.riskLevel} />
            <ModeBadge mode={snapshot.mode} />
          </div>
        )}
      </div>

      <TimeTravel
        min={stops[0] ?? Date.now()}
        max={stops[stops.length - 1] ?? Date.now()}
        step={1000}
        value={asOf}
        onChange={setAsOf}
        stops={stops}
      />
      {asOf && (
        <p className="banner" role="status">
          {t('tt.caseBanner', { time: dateTime(asOf) })}
        </p>
      )}
      {notYet && <p className="banner warn">{t('tt.notYet')}</p>}
      {past?.error && !notYet && <ErrorMessage error={past.error} />}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>

      {snapshot && <CaseFacts snapshot={snapshot} view={asOf ? undefined : live.view} />}

      {!asOf && (
        <CaseWork
          caseId={caseId}
          category={live.view.category}
          entries={live.timeline}
          onChanged={reload}
        />
      )}
      {!asOf && (
        <AgencyWork
          caseId={caseId}
          view={live.view}
          fold={live.fold}
          entries={live.timeline}
          reload={reload}
        />
      )}

      <section className="panel timeline-panel" aria-labelledby="timeline-title">
        <div className="panel-head">
          <h2 id="timeline-title" className="section-title">
            {t('case.timeline')}
          </h2>
          <span className="muted small">{t('case.entries', { count: entries.length })}</span>
        </div>
        <p className="muted small">{t('case.timelineHint')}</p>
        <Swimlanes
          entries={entries}
          selectedId={selected}
          onSelect={setSelected}
          fresh={fresh}
          {...(asOf && domain ? { domain, cursor: Date.parse(asOf) } : {})}
        />
      </section>

      <div className={asOf ? 'two-col' : 'one-col'}>
        <EntryDetails entries={entries} selectedId={selected} onSelect={setSelected} />
        {asOf && past?.diff && <DiffPanel diff={past.diff} />}
        {asOf && !past?.diff && !past?.error && <Loading />}
      </div>

      <div className="panel-grid">
        {snapshot && <Assignments rows={snapshot.assignments} {...(asOf ? { at: asOf } : {})} />}
        <EnforcementSteps steps={steps} onSelect={setSelected} />
        <PublicityAndAppeal state={decisions} onSelect={setSelected} />
        <Evidence items={evidenceShown} caseId={caseId} />
      </div>

      <details className="panel entry-list">
        <summary>{t('case.list')}</summary>
        <ol>
          {entries.map((e) => (
            <li key={e.eventId}>
              <button type="button" className="link-button" onClick={() => setSelected(e.eventId)}>
                <time dateTime={e.time}>{dateTime(e.time)}</time>
              </button>{' '}
              <span className={`agency-tag agency-${e.agency}`}>{t(`agency.${e.agency}`)}</span>{' '}
              {e.summary}
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}

function CaseFacts({ snapshot, view }: { snapshot: CaseSnapshot; view: CaseView | undefined }) {
  const { t, dateTime } = useI18n();
  const place = snapshot.location
    ? [snapshot.location.street, snapshot.location.community, snapshot.location.grid]
        .filter(Boolean)
        .join(' / ')
    : t('common.dash');
  const agency = (a: string) =>
    a === 'swc' || a === 'drc' || a === 'street' ? t(`agency.${a}`) : a;
  return (
    <section className="panel" aria-labelledby="facts-title">
      <h2 id="facts-title" className="visually-hidden">
        {t('case.summary')}
      </h2>
      <dl className="facts facts-grid">
        <div>
          <dt>{t('case.place')}</dt>
          <dd>{place}</dd>
        </div>
        <div>
          <dt>{t('case.severity')}</dt>
          <dd>{snapshot.severity ?? t('common.dash')}</dd>
        </div>
        <div>
          <dt>{t('case.origin')}</dt>
          <dd>
            {snapshot.origin ? t(`origin.${snapshot.origin}` as 'origin.manual') : t('common.dash')}
          </dd>
        </div>
        <div>
          <dt>{t('case.lead')}</dt>
          <dd>{snapshot.leadAgency ? agency(snapshot.leadAgency) : t('common.dash')}</dd>
        </div>
        <div>
          <dt>{t('case.coHandlers')}</dt>
          <dd>
            {snapshot.coHandlers.length > 0
              ? snapshot.coHandlers.map(agency).join('、')
              : t('common.none')}
          </dd>
        </div>
        {view && (
          <div>
            <dt>{t('case.opened')}</dt>
            <dd>{dateTime(view.openedAt ?? view.reportedAt)}</dd>
          </div>
        )}
        {view && (
          <div>
            <dt>{t('case.lastEvent')}</dt>
            <dd>{dateTime(view.lastEventAt)}</dd>
          </div>
        )}
        <div>
          <dt>{t('case.reopened')}</dt>
          <dd data-testid="reopen-count">{snapshot.reopenCount}</dd>
        </div>
        {snapshot.satisfaction !== undefined && (
          <div>
            <dt>{t('case.satisfaction')}</dt>
            <dd>{snapshot.satisfaction}/5</dd>
          </div>
        )}
      </dl>
    </section>
  );
}
