// "我的待办 / My work": what waits on the signed-in person, soonest due first,
// with SLA countdowns; each item links to the case page where the work is done.
import { ErrorMessage, Loading } from '../components/Status';
import { SlaCountdown } from '../components/SlaCountdown';
import { useI18n, type MessageKey } from '../i18n';
import { Link } from '../router';
import { useMyWork } from '../work/my-work';

export function MyWorkPage() {
  const { t, dateTime } = useI18n();
  const { data, error, loading, reload } = useMyWork();
  const kind = (k: string) => t(`mywork.kind.${k}` as MessageKey);
  return (
    <div className="page" data-testid="my-work">
      <h1 tabIndex={-1}>{t('mywork.title')}</h1>
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {!data && loading && <Loading />}
      {data && (
        <>
          <p className="muted" data-testid="my-work-total">
            {t('mywork.total', { count: data.total })}
            {Object.entries(data.counts).map(([k, n]) => (
              <span key={k} className="badge" data-testid={`my-work-count-${k}`}>
                {kind(k)} {n}
              </span>
            ))}
          </p>
          {data.items.length === 0 ? (
            <p data-testid="my-work-empty">{t('mywork.empty')}</p>
          ) : (
            <table className="table">
              <caption className="visually-hidden">{t('mywork.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('mywork.col.what')}</th>
                  <th scope="col">{t('mywork.col.case')}</th>
                  <th scope="col">{t('mywork.col.since')}</th>
                  <th scope="col">{t('mywork.col.due')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => (
                  <tr
                    key={item.id}
                    data-testid="my-work-item"
                    data-kind={item.kind}
                    data-case={item.caseId}
                  >
                    <td>
                      <Link to={`/cases/${item.caseId}`} data-testid="my-work-link">
                        {kind(item.kind)}
                      </Link>
                      <div className="muted small">
                        {item.label}
                        {item.personal && <> · {t('mywork.personal')}</>}
                        {item.escalated && <> · {t('mywork.escalated')}</>}
                      </div>
                    </td>
                    <td>
                      <code>{item.caseId.slice(0, 8)}</code>
                    </td>
                    <td>{dateTime(item.since)}</td>
                    <td>
                      <SlaCountdown dueAt={item.dueAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
