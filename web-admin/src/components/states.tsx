import { Button, Empty, Result, Skeleton, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { errorText } from '../i18n/errors';

export function PageLoading() {
  return (
    <div style={{ padding: 24 }} data-testid="page-loading">
      <Skeleton active paragraph={{ rows: 6 }} />
    </div>
  );
}

export function InlineLoading() {
  return (
    <div style={{ padding: 32, textAlign: 'center' }}>
      <Spin />
    </div>
  );
}

/** Error state with the error in the user's language and a retry button. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = errorText(t, error);
  const status =
    error instanceof ApiError && error.status === 404
      ? '404'
      : error instanceof ApiError && error.status === 403
        ? '403'
        : 'error';
  return (
    <Result
      status={status}
      title={t('common.loadFailed')}
      subTitle={message}
      extra={
        onRetry ? (
          <Button type="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

export function EmptyState({ description, children }: { description: ReactNode; children?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description}>
      {children}
    </Empty>
  );
}
