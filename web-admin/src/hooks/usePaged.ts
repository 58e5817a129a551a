import { useCallback, useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Paginated } from '../api/client';
import { useApi } from './useApi';

export type Filters = Record<string, string | number | boolean | undefined>;

/** A paginated list endpoint with filters; changing a filter goes back to page 1. */
export function usePaged<T>(path: string, initial: Filters = {}, pageSize = 20) {
  const { t } = useTranslation();
  const [filters, setFiltersState] = useState<Filters>(initial);
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(pageSize);
  const state = useApi<Paginated<T>>(path, { query: { ...filters, page, pageSize: size } });

  const setFilters = useCallback((next: Filters) => {
    setFiltersState(next);
    setPage(1);
  }, []);

  const pagination: TablePaginationConfig = {
    current: page,
    pageSize: size,
    total: state.data?.total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: [10, 20, 50, 100],
    // Province-wide lists count up to a cap (totalCapped): then the total reads "at least".
    showTotal: (total) => t(state.data?.totalCapped ? 'common.totalAtLeast' : 'common.total', { total }),
    onChange: (p, s) => {
      setPage(s !== size ? 1 : p);
      setSize(s);
    },
    size: 'small',
  };

  return { ...state, filters, setFilters, pagination, items: state.data?.items ?? [] };
}
