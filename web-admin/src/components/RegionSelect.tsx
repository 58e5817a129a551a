import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RegionView } from '../api/types';
import { useSession } from '../auth/session';
import { useApi } from '../hooks/useApi';

/** Regions within the regulator's own subtree (all regions for admins). */
export function RegionSelect({
  value,
  onChange,
  style,
  levels,
}: {
  value?: string;
  onChange?: (v: string | undefined) => void;
  style?: React.CSSProperties;
  levels?: string[];
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const { data, loading } = useApi<RegionView[]>('/api/regions', { query: { under: user?.regionCode ?? undefined } });
  const options = (data ?? [])
    .filter((r) => !levels || levels.includes(r.level))
    .map((r) => ({ value: r.code, label: `${r.name} (${r.code})` }));
  return (
    <Select
      allowClear
      showSearch
      optionFilterProp="label"
      loading={loading}
      placeholder={t('common.region')}
      style={{ width: 200, ...style }}
      value={value}
      onChange={(v) => onChange?.(v)}
      options={options}
    />
  );
}
