import { Button, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { KeysetListState } from '../hooks/useKeysetList';
import { ErrorState } from './states';

/**
 * Under a list paged by cursor: "shown N, M in total" (or "at least M" when the server capped its
 * count) and "load more" while the server gave a nextCursor. No page numbers: a cursor only knows
 * where the next page starts, and that is what keeps the 500th page as fast as the first.
 */
export function KeysetMore<T>({ list, testId }: { list: KeysetListState<T>; testId: string }) {
  const { t } = useTranslation();
  return (
    <div style={{ textAlign: 'center', marginTop: 8 }} data-testid={`${testId}-more`}>
      <Typography.Text type="secondary">
        {t('common.shown', {
          shown: list.items.length,
          total: t(list.totalCapped ? 'common.totalAtLeast' : 'common.total', { total: list.total ?? 0 }),
        })}
      </Typography.Text>
      {list.moreError ? <ErrorState error={list.moreError} onRetry={list.loadMore} /> : null}
      {list.hasMore && !list.moreError ? (
        <div style={{ marginTop: 8 }}>
          <Button onClick={list.loadMore} loading={list.loading} data-testid={`${testId}-load-more`}>
            {t('common.loadMore')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
