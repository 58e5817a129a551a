import { Card, DatePicker, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { useApi } from '../../hooks/useApi';

type Row = components['schemas']['EnforcementStatView'];

/** 执法统计: per township and month; a township with no case that month is tagged zero-penalty. */
export default function EnforcementStatsPage() {
  const { t, i18n } = useTranslation();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(5, 'month'), dayjs()]);
  const from = range[0].format('YYYY-MM');
  const to = range[1].format('YYYY-MM');
  const { data, loading } = useApi<Row[]>(`/api/cases/statistics?from=${from}&to=${to}`);
  // Newest month first.
  const money = (n: number) => n.toLocaleString(i18n.language, { maximumFractionDigits: 2 });

  return (
    <Card title={t('enforcementStats.title')}>
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Space>
          <Typography.Text>{t('enforcementStats.months')}</Typography.Text>
          <DatePicker.RangePicker
            picker="month"
            allowClear={false}
            value={range}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
            data-testid="enforcement-stats-range"
          />
        </Space>
        <Table<Row>
          rowKey={(r) => `${r.month}-${r.regionCode}`}
          loading={loading}
          dataSource={[...(data ?? [])].sort((a, b) => b.month.localeCompare(a.month))}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          data-testid="enforcement-stats"
          columns={[
            { title: t('enforcementStats.month'), dataIndex: 'month' },
            {
              title: t('enforcementStats.region'),
              dataIndex: 'regionName',
              render: (name: string, r) => (
                <Space>
                  {name}
                  {r.cases === 0 && <Tag color="orange">{t('enforcementStats.zeroPenalty')}</Tag>}
                </Space>
              ),
            },
            { title: t('enforcementStats.hazardsFound'), dataIndex: 'hazardsFound', align: 'right' },
            { title: t('enforcementStats.rectifiedOnTime'), dataIndex: 'rectifiedOnTime', align: 'right' },
            { title: t('enforcementStats.overdue'), dataIndex: 'overdue', align: 'right' },
            { title: t('enforcementStats.cases'), dataIndex: 'cases', align: 'right' },
            {
              title: t('enforcementStats.fines'),
              dataIndex: 'finesYuan',
              align: 'right',
              render: (n: number) => money(n),
            },
          ]}
        />
      </Space>
    </Card>
  );
}
