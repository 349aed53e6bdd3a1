// Operations (admins): the live read-model version, the blue/green rebuild's
// state and progress (polled every 2 s), a button to start one, and the
// dead-letter topics' message counts.
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { getDeadLetters, getRebuilds, startRebuild } from '../api/gateway';
import { isAdmin } from '../api/session';
import type { DeadLetters, RebuildsView } from '../api/types';
import { useAuth } from '../auth';
import { ErrorMessage } from '../components/Status';
import { useI18n } from '../i18n';

const POLL_MS = 2_000;
const DEAD_LETTER_POLL_MS = 10_000;

function usePolling<T>(load: () => Promise<T>, every: number, enabled: boolean) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const value = await load();
        if (stopped) return;
        setData(value);
        setError(undefined);
      } catch (caught) {
        if (stopped) return;
        setError(caught instanceof ApiError ? caught : new ApiError(0, String(caught)));
      }
      if (!stopped) timer = setTimeout(() => void run(), every);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // `load` is a stable module function; `tick` forces a refresh.
  }, [enabled, every, tick]);
  return { data, error, refresh: () => setTick((n) => n + 1) };
}

export function Operations() {
  const { t, dateTime, number } = useI18n();
  const { identity } = useAuth();
  const admin = identity ? isAdmin(identity) : false;
  const rebuilds = usePolling<RebuildsView>(() => getRebuilds(), POLL_MS, admin);
  const deadLetters = usePolling<DeadLetters>(() => getDeadLetters(), DEAD_LETTER_POLL_MS, admin);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [starting, setStarting] = useState(false);

  if (!admin)
    return (
      <div className="page">
        <h1 tabIndex={-1}>{t('ops.title')}</h1>
        <p className="banner warn" role="alert" data-testid="needs-admin">
          {t('ops.needsAdmin')}
        </p>
      </div>
    );

  const start = async () => {
    setStarting(true);
    setMessage(null);
    try {
      await startRebuild();
      setMessage({ kind: 'ok', text: t('ops.started202') });
    } catch (caught) {
      const text = caught instanceof Error ? caught.message : String(caught);
      setMessage({ kind: 'error', text: t('ops.conflict', { message: text }) });
    } finally {
      setStarting(false);
      rebuilds.refresh();
    }
  };

  const view = rebuilds.data;
  const rebuild = view?.rebuild ?? null;
  const running = rebuild?.state === 'requested' || rebuild?.state === 'running';
  const processed = rebuild?.processed ?? 0;
  const total = rebuild?.total ?? 0;
  const dlMissing = deadLetters.error?.status === 404;

  return (
    <div className="page operations-page">
      <div className="page-head">
        <h1 tabIndex={-1}>{t('ops.title')}</h1>
        <span className="muted small">{t('ops.polling')}</span>
      </div>
      <section className="panel" data-testid="rebuild-monitor" aria-labelledby="rebuild-title">
        <h2 id="rebuild-title" className="section-title">
          {t('ops.state')}
        </h2>
        {rebuilds.error && <ErrorMessage error={rebuilds.error} onRetry={rebuilds.refresh} />}
        <dl className="facts facts-grid">
          <div>
            <dt>{t('ops.version')}</dt>
            <dd>
              <code data-testid="readmodel-version">
                {view ? view.live || t('ops.baseVersion') : '…'}
              </code>
            </dd>
          </div>
          <div>
            <dt>{t('ops.state')}</dt>
            <dd>
              <span
                data-testid="rebuild-state"
                data-state={rebuild?.state ?? 'none'}
                className={`badge ops-${rebuild?.state ?? 'none'}`}
              >
                {t(`ops.state.${rebuild?.state ?? 'none'}`)}
              </span>
            </dd>
          </div>
          <div>
            <dt>{t('ops.progress')}</dt>
            <dd>
              <span data-testid="rebuild-progress">
                {number(processed)}/{number(total)}
              </span>
              <progress
                className="progress"
                max={Math.max(total, 1)}
                value={processed}
                aria-label={t('ops.progress')}
              />
            </dd>
          </div>
          <div>
            <dt>{t('ops.rate')}</dt>
            <dd>
              {rebuild?.eventsPerSecond !== undefined
                ? t('ops.rateValue', { value: number(rebuild.eventsPerSecond) })
                : t('common.dash')}
            </dd>
          </div>
          <div>
            <dt>{t('ops.eta')}</dt>
            <dd>
              {rebuild?.etaSeconds !== undefined && running
                ? t('ops.etaValue', { value: number(rebuild.etaSeconds) })
                : t('common.dash')}
            </dd>
          </div>
          {rebuild && (
            <>
              <div>
                <dt>{t('ops.target')}</dt>
                <dd>
                  <code>{rebuild.suffix ?? t('common.dash')}</code>
                </dd>
              </div>
              <div>
                <dt>{t('ops.requestedBy')}</dt>
                <dd>{rebuild.requestedBy}</dd>
              </div>
              <div>
                <dt>{t('ops.started')}</dt>
                <dd>{dateTime(rebuild.startedAt ?? rebuild.requestedAt)}</dd>
              </div>
              <div>
                <dt>{t('ops.finished')}</dt>
                <dd>{dateTime(rebuild.finishedAt)}</dd>
              </div>
              {rebuild.liveWrites && (
                <div>
                  <dt>{t('ops.liveWrites')}</dt>
                  <dd>{t('common.yes')}</dd>
                </div>
              )}
              {rebuild.error && (
                <div>
                  <dt>{t('ops.errorText')}</dt>
                  <dd className="error-text">{rebuild.error}</dd>
                </div>
              )}
            </>
          )}
        </dl>
        <div className="actions">
          <button
            type="button"
            className="button"
            data-testid="rebuild-start"
            disabled={starting}
            onClick={() => void start()}
          >
            {t('ops.start')}
          </button>
        </div>
        <p aria-live="polite" className={message?.kind === 'error' ? 'error' : 'notice'}>
          {message?.text}
        </p>
      </section>

      <section className="panel" aria-labelledby="dl-title">
        <div className="panel-head">
          <h2 id="dl-title" className="section-title">
            {t('ops.deadLetters')}
          </h2>
          <button type="button" className="button secondary small" onClick={deadLetters.refresh}>
            {t('ops.refresh')}
          </button>
        </div>
        {dlMissing ? (
          <p className="banner warn">{t('ops.dlMissing')}</p>
        ) : deadLetters.error ? (
          <ErrorMessage error={deadLetters.error} onRetry={deadLetters.refresh} />
        ) : deadLetters.data && deadLetters.data.topics.length === 0 ? (
          <p className="muted">{t('ops.dlNone')}</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('ops.dlTopic')}</th>
                <th scope="col">{t('ops.dlMessages')}</th>
              </tr>
            </thead>
            <tbody>
              {(deadLetters.data?.topics ?? []).map((topic) => (
                <tr key={topic.topic}>
                  <td>
                    <code>{topic.topic}</code>
                  </td>
                  <td className="num">
                    <span
                      data-testid="deadletter-count"
                      data-topic={topic.topic}
                      className={topic.messages > 0 ? 'count-warn' : undefined}
                    >
                      {number(topic.messages)}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
