// The street office admin's enforcement credential registry (/credentials):
// officers with each credential's status now, granting, withdrawing with a
// reason, and an officer's history (who granted or withdrew what, when) —
// apps/street-service/src/credentials. The discretion standards are published here too.
import { useCallback, useEffect, useState } from 'react';
import { useAuth } from '../../auth';
import { CommandRefused } from '../../api/commands';
import {
  getOfficerCredentials,
  listCredentials,
  type CredentialStatus,
  type CredentialView,
  type RegistryEntry,
} from '../../api/work-reads';
import { CommandForm, Field, RefusalNotice } from '../../components/CommandForm';
import { useI18n } from '../../i18n';
import { mayUse } from '../../lib/permissions';
import { ChangedNote, instant, useFields, useWork, WorkSection } from './work-kit';
import { PublishStandardForm } from './PublishStandardForm';

const STATUSES: readonly CredentialStatus[] = ['valid', 'not-yet-valid', 'expired', 'withdrawn'];

export function CredentialsPage() {
  const { t, dateTime } = useI18n();
  const { identity } = useAuth();
  const [status, setStatus] = useState<CredentialStatus | ''>('');
  const [rows, setRows] = useState<{ officerId: string; credentials: CredentialView[] }[]>([]);
  const [failure, setFailure] = useState<CommandRefused | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const [officer, setOfficer] = useState('');
  // The registry pages by officer (50 at a time): the next page's cursor, if any.
  const [cursor, setCursor] = useState<string | null>(null);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    listCredentials(status || undefined, undefined, { signal: controller.signal })
      .then((page) => {
        setRows(page.items);
        setCursor(page.nextCursor);
        setFailure(undefined);
      })
      .catch((error: unknown) => {
        if (error instanceof CommandRefused) setFailure(error);
      });
    return () => controller.abort();
  }, [status, generation]);

  const loadMore = () => {
    if (!cursor) return;
    listCredentials(status || undefined, cursor)
      .then((page) => {
        setRows((shown) => [...shown, ...page.items]);
        setCursor(page.nextCursor);
      })
      .catch((error: unknown) => {
        if (error instanceof CommandRefused) setFailure(error);
      });
  };

  if (!mayUse(identity, 'GrantCredential'))
    return (
      <div className="page">
        <h1 tabIndex={-1}>{t('ew.cred.title')}</h1>
        <p className="error" role="alert" data-testid="credentials-forbidden">
          {t('ew.cred.forbidden')}
        </p>
      </div>
    );

  return (
    <div className="page" data-testid="credentials-page">
      <h1 tabIndex={-1}>{t('ew.cred.title')}</h1>
      <section className="panel" aria-labelledby="cred-list-title">
        <div className="panel-head">
          <h2 id="cred-list-title" className="section-title">
            {t('ew.cred.list')}
          </h2>
          <div className="field">
            <label htmlFor="cred-status">{t('ew.cred.status')}</label>
            <select
              id="cred-status"
              data-testid="credential-status-filter"
              value={status}
              onChange={(e) => setStatus(e.target.value as CredentialStatus | '')}
            >
              <option value="">{t('ew.cred.status.all')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`ew.cred.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        {failure && <RefusalNotice name="credentials" refusal={failure.refusal} />}
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('ew.cred.officer')}</th>
              <th scope="col">{t('ew.cred.number')}</th>
              <th scope="col">{t('ew.cred.status')}</th>
              <th scope="col">{t('ew.cred.validity')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((row) =>
              row.credentials.map((c) => (
                <tr
                  key={`${row.officerId}-${c.credentialNumber}`}
                  data-testid="credential-row"
                  data-officer-id={row.officerId}
                  data-credential={c.credentialNumber}
                  data-status={c.status}
                >
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => setOfficer(row.officerId)}
                    >
                      {row.officerId}
                    </button>
                  </td>
                  <td>{c.credentialNumber}</td>
                  <td>{t(`ew.cred.status.${c.status}`)}</td>
                  <td>
                    {dateTime(c.validFrom)} – {dateTime(c.validTo)}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
        {cursor && (
          <button
            type="button"
            className="button secondary"
            data-testid="credentials-more"
            onClick={loadMore}
          >
            {t('board.loadMore')}
          </button>
        )}
      </section>
      <WorkSection id="credential-work" title={t('ew.cred.work')}>
        <GrantCredentialForm reload={reload} />
        <WithdrawCredentialForm reload={reload} officer={officer} />
        <OfficerHistory officer={officer} onOfficer={setOfficer} generation={generation} />
      </WorkSection>
      {mayUse(identity, 'PublishStandard') && (
        <WorkSection id="discretion-work" title={t('ew.std.section')}>
          <PublishStandardForm />
        </WorkSection>
      )}
    </div>
  );
}

function GrantCredentialForm({ reload }: { reload: () => void }) {
  const { t } = useI18n();
  const f = useFields({
    officerId: '',
    credentialNumber: '',
    issuingBody: '',
    validFrom: '',
    validTo: '',
  });
  const command = useWork('street', 'credentials', reload);
  return (
    <CommandForm
      name="grant-credential"
      title={t('ew.grant.title')}
      command={command}
      onSubmit={() =>
        void command.submit({
          officerId: f.values.officerId.trim(),
          credentialNumber: f.values.credentialNumber.trim(),
          issuingBody: f.values.issuingBody.trim(),
          validFrom: instant(f.values.validFrom),
          validTo: instant(f.values.validTo),
        })
      }
      submitLabel={t('ew.grant.submit')}
      changed={<ChangedNote />}
    >
      <Field label={t('ew.cred.officer')} name="officerId" refusal={command.refusal}>
        <input
          data-testid="grant-officer"
          value={f.values.officerId}
          onChange={f.on('officerId')}
        />
      </Field>
      <Field label={t('ew.cred.number')} name="credentialNumber" refusal={command.refusal}>
        <input
          data-testid="grant-number"
          value={f.values.credentialNumber}
          onChange={f.on('credentialNumber')}
        />
      </Field>
      <Field label={t('ew.grant.issuingBody')} name="issuingBody" refusal={command.refusal}>
        <input
          data-testid="grant-issuing-body"
          value={f.values.issuingBody}
          onChange={f.on('issuingBody')}
        />
      </Field>
      <Field label={t('ew.grant.validFrom')} name="validFrom" refusal={command.refusal}>
        <input
          type="datetime-local"
          data-testid="grant-valid-from"
          value={f.values.validFrom}
          onChange={f.on('validFrom')}
        />
      </Field>
      <Field label={t('ew.grant.validTo')} name="validTo" refusal={command.refusal}>
        <input
          type="datetime-local"
          data-testid="grant-valid-to"
          value={f.values.validTo}
          onChange={f.on('validTo')}
        />
      </Field>
    </CommandForm>
  );
}

function WithdrawCredentialForm({ reload, officer }: { reload: () => void; officer: string }) {
  const { t } = useI18n();
  const f = useFields({ officerId: '', credentialNumber: '', reason: '' });
  const officerId = f.values.officerId.trim() || officer;
  const command = useWork(
    'street',
    `credentials/${encodeURIComponent(officerId)}/withdrawals`,
    reload,
  );
  return (
    <CommandForm
      name="withdraw-credential"
      title={t('ew.withdraw.title')}
      command={command}
      onSubmit={() =>
        void command.submit({
          credentialNumber: f.values.credentialNumber.trim(),
          reason: f.values.reason.trim(),
        })
      }
      submitLabel={t('ew.withdraw.submit')}
      changed={<ChangedNote />}
    >
      <Field label={t('ew.cred.officer')} name="officerId" refusal={command.refusal}>
        <input
          data-testid="withdraw-officer"
          value={f.values.officerId || officer}
          onChange={f.on('officerId')}
        />
      </Field>
      <Field label={t('ew.cred.number')} name="credentialNumber" refusal={command.refusal}>
        <input
          data-testid="withdraw-number"
          value={f.values.credentialNumber}
          onChange={f.on('credentialNumber')}
        />
      </Field>
      <Field label={t('ew.reason')} name="reason" refusal={command.refusal}>
        <textarea data-testid="withdraw-reason" value={f.values.reason} onChange={f.on('reason')} />
      </Field>
    </CommandForm>
  );
}

function OfficerHistory({
  officer,
  onOfficer,
  generation,
}: {
  officer: string;
  onOfficer: (officerId: string) => void;
  generation: number;
}) {
  const { t, dateTime } = useI18n();
  const [typed, setTyped] = useState(officer);
  const [history, setHistory] = useState<RegistryEntry[] | undefined>(undefined);
  const [failure, setFailure] = useState<CommandRefused | undefined>(undefined);
  useEffect(() => setTyped(officer), [officer]);
  useEffect(() => {
    setHistory(undefined);
    setFailure(undefined);
    if (!officer) return undefined;
    const controller = new AbortController();
    getOfficerCredentials(officer, { signal: controller.signal })
      .then((view) => setHistory(view.history))
      .catch((error: unknown) => {
        if (error instanceof CommandRefused) setFailure(error);
      });
    return () => controller.abort();
  }, [officer, generation]);
  return (
    <form
      className="work-form"
      data-testid="credential-history"
      onSubmit={(e) => {
        e.preventDefault();
        onOfficer(typed.trim());
      }}
    >
      <h3>{t('ew.history.title')}</h3>
      <div className="field">
        <label htmlFor="history-officer">{t('ew.cred.officer')}</label>
        <input
          id="history-officer"
          data-testid="history-officer"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
      </div>
      <div className="actions">
        <button type="submit" className="button secondary" data-testid="history-show">
          {t('ew.history.show')}
        </button>
      </div>
      {failure && <RefusalNotice name="credential-history" refusal={failure.refusal} />}
      {history && (
        <ol>
          {history.map((h) => (
            <li
              key={h.eventId}
              data-testid="history-entry"
              data-action={h.action}
              data-credential={h.credentialNumber}
            >
              {t(h.action === 'granted' ? 'ew.history.granted' : 'ew.history.withdrawn', {
                number: h.credentialNumber,
                by: h.by,
                at: dateTime(h.at),
                reason: h.reason ?? '',
              })}
            </li>
          ))}
        </ol>
      )}
    </form>
  );
}
