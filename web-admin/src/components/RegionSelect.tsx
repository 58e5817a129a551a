import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RegionView } from '../api/types';
import { useSession } from '../auth/session';
import { useRegionNames } from '../hooks/useRegionNames';

/** Regions within the regulator's own subtree (all regions for admins), by name. */
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
  const { regions } = useRegionNames();
  const under = user?.regionCode ? `/${user.regionCode}/` : null;
  const options = [...(regions?.values() ?? [])]
    .filter((r) => (!under || r.path.includes(under)) && (!levels || levels.includes(r.level)))
    .map((r) => ({ value: r.code, label: regionLabel(r, regions!) }));
  return (
    <Select
      allowClear
      showSearch
      optionFilterProp="label"
      loading={!regions}
      placeholder={t('common.region')}
      style={{ width: 200, ...style }}
      value={value}
      onChange={(v) => onChange?.(v)}
      options={options}
    />
  );
}

/** Townships and villages with their parent ("夏邑县 / 会亭镇"), so same-named towns of two counties differ. */
function regionLabel(r: RegionView, byCode: Map<string, RegionView>): string {
  const parent = r.parentCode ? byCode.get(r.parentCode) : undefined;
  return parent && (r.level === 'township' || r.level === 'village') ? `${parent.name} / ${r.name}` : r.name;
}
