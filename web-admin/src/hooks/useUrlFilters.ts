import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Filters } from './usePaged';

/**
 * The list filters given in the page address (a click-through from the overview, a shared link),
 * limited to the names the list knows; `defaults` apply when the address gives none.
 */
export function useUrlFilters(names: readonly string[], defaults: Filters = {}): Filters {
  const [params] = useSearchParams();
  const key = params.toString();
  return useMemo(() => {
    const given: Filters = {};
    for (const n of names) {
      const v = params.get(n);
      if (v !== null && v !== '') given[n] = v;
    }
    return Object.keys(given).length ? given : defaults;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}
