// The legal reviewer's queue (/reviews): the decisions awaiting review, read
// from the street service (GET /api/decisions?status=review-requested). Drafts
// the reviewer wrote are left out — someone else reviews them. A plain list
// until the "my work" read model exists.
import { useEffect, useState } from 'react';
import { useAuth } from '../../auth';
import { CommandRefused } from '../../api/commands';
import { listDecisions, type Decision } from '../../api/work-reads';
import { RefusalNotice } from '../../components/CommandForm';
import { Loading } from '../../components/Status';
import { useI18n } from '../../i18n';
import { Link } from '../../router';

export function ReviewQueue() {
  const { t } = useI18n();
  const { identity } = useAuth();
  const [items, setItems] = useState<Decision[] | undefined>(undefined);
  const [failure, setFailure] = useState<CommandRefused | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    listDecisions('review-requested', { signal: controller.signal })
      .then((answer) => setItems(answer.items))
      .catch((error: unknown) => {
        if (error instanceof CommandRefused) setFailure(error);
      });
    return () => controller.abort();
  }, []);
  const me = identity?.sub ?? '';
  const mine = (items ?? []).filter((d) => d.drafters.includes(me));
  const offered = (items ?? []).filter((d) => !d.drafters.includes(me));
  return (
    <div className="page" data-testid="review-queue">
      <h1 tabIndex={-1}>{t('ew.queue.title')}</h1>
      <p className="muted">{t('ew.queue.hint')}</p>
      {failure && <RefusalNotice name="review-queue" refusal={failure.refusal} />}
      {!items && !failure && <Loading />}
      {items && offered.length === 0 && <p className="muted">{t('ew.queue.empty')}</p>}
      {offered.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('ew.queue.decision')}</th>
              <th scope="col">{t('ew.queue.case')}</th>
              <th scope="col">{t('ew.amount')}</th>
              <th scope="col">{t('ew.decision.draft')}</th>
              <th scope="col">{t('ew.decision.drafters')}</th>
            </tr>
          </thead>
          <tbody>
            {offered.map((d) => (
              <tr key={d.decisionId} data-testid="review-item" data-decision-id={d.decisionId}>
                <td>
                  <Link to={`/decisions/${d.decisionId}`}>{d.decisionId.slice(0, 8)}</Link>
                </td>
                <td>
                  <Link to={`/cases/${d.caseId}`}>{d.caseId.slice(0, 8)}</Link>
                </td>
                <td>
                  {d.penalty.amountYuan} ({d.checkedAgainst.minYuan}–{d.checkedAgainst.maxYuan})
                </td>
                <td>{d.draft}</td>
                <td>{d.drafters.join('、')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {mine.length > 0 && (
        <p className="muted" data-testid="own-drafts-hidden" data-count={mine.length}>
          {t('ew.queue.ownHidden', { count: mine.length })}
        </p>
      )}
    </div>
  );
}
