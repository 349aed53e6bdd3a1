// Loading and error messages: errors are announced (role=alert) with the gateway's message.
import type { ApiError } from '../api/client';
import { useI18n } from '../i18n';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

export function ErrorMessage({
  error,
  onRetry,
}: {
  error: ApiError | Error;
  onRetry?: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="error" role="alert">
      <span>{t('common.error', { message: error.message })}</span>
      {onRetry && (
        <button type="button" className="button small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
