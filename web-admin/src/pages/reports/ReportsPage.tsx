import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { usePaged } from '../../hooks/usePaged';
import { useRegionNames } from '../../hooks/useRegionNames';
import { ReportDrawer } from './ReportDrawer';
import { REPORT_STATUSES, STATUS_COLOUR, type ReportSummary } from './reportsApi';

/** 群众举报: public reports in the regulator's region (and those nobody could place), handled in a closed loop. */
export default function ReportsPage() {
  const { t, i18n } = useTranslation();
  const regionNames = useRegionNames();
  const list = usePaged<ReportSummary>('/api/reports');
  // ?open=<id>: the link from a hazard promoted from this report.
  const [params] = useSearchParams();
  const [open, setOpen] = useState<string | null>(params.get('open'));

  return (
    <>
      <PageHeader
        title={t('reports.title')}
        subtitle={t('reports.subtitle')}
        extra={
          <>
            <Select
              allowClear
              style={{ width: 140 }}
              placeholder={t('common.status')}
              value={list.filters.status as string | undefined}
              data-testid="reports-status-filter"
              onChange={(v: string | undefined) => list.setFilters({ ...list.filters, status: v })}
              options={REPORT_STATUSES.map((s) => ({ value: s, label: t(`public.reportStatus.${s}`) }))}
            />
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
          </>
        }
      />
      <Card>
        {list.error != null ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<ReportSummary>
            rowKey="id"
            size="middle"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 900 }}
            locale={{ emptyText: <EmptyState description={t('reports.empty')} /> }}
            onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
            data-testid="reports-table"
            columns={[
              {
                title: t('reports.trackingCode'),
                dataIndex: 'trackingCode',
                width: 130,
                render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
              },
              {
                title: t('common.status'),
                dataIndex: 'status',
                width: 120,
                render: (_: unknown, r) => (
                  <>
                    <Tag color={STATUS_COLOUR[r.status]}>{t(`public.reportStatus.${r.status}`)}</Tag>
                    {r.rewardEligible && <Tag color="magenta">{t('reports.rewardDue')}</Tag>}
                  </>
                ),
              },
              { title: t('reports.description'), dataIndex: 'description', ellipsis: true },
              {
                title: t('common.enterprise'),
                width: 200,
                render: (_: unknown, r) =>
                  r.enterprise?.name ??
                  (r.machineCodeState === 'forged' ? <Tag color="red">{t('reports.codeState.forged')}</Tag> : '—'),
              },
              {
                title: t('reports.place'),
                width: 180,
                ellipsis: true,
                render: (_: unknown, r) =>
                  r.address ?? (r.regionPath ? regionNames.path(r.regionPath) : <Tag>{t('reports.unplaced')}</Tag>),
              },
              { title: t('reports.photos'), dataIndex: 'photoCount', width: 70 },
              {
                title: t('reports.submittedAt'),
                dataIndex: 'createdAt',
                width: 170,
                render: (v: string) => new Date(v).toLocaleString(i18n.language),
              },
            ]}
          />
        )}
      </Card>
      <ReportDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />
    </>
  );
}
