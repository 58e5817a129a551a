import { Button, Space, Table, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import type { TablePaginationConfig } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlertView } from '../api/types';
import { AlertEvidence } from './alert-evidence-view';
import { fmtTime } from './format';
import { EnumTag } from './tags';
import { EmptyState } from './states';
import { MachineCell, OccurrencesCell, PlaceCell, WelderCell, WhoCell } from './AlertContextCells';

// Loaded when first opened: it brings the welder, permit and machine drawers with it.
const AlertDetailDrawer = lazy(() => import('./AlertDetailDrawer').then((m) => ({ default: m.AlertDetailDrawer })));

interface Props {
  items: AlertView[];
  loading: boolean;
  pagination: TablePaginationConfig;
  canClose: boolean;
  emptyText: string;
  onTimeline: (machineId: string) => void;
  onAction: (alert: AlertView, action: 'acknowledge' | 'close') => void;
  highlight?: Set<string>;
}

export function AlertsTable({
  items,
  loading,
  pagination,
  canClose,
  emptyText,
  onTimeline,
  onAction,
  highlight,
}: Props) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  const [detail, setDetail] = useState<string | null>(null);
  return (
    <>
      <Table<AlertView>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={pagination}
        scroll={{ x: 1280 }}
        locale={{ emptyText: <EmptyState description={emptyText} /> }}
        rowClassName={(a) => (highlight?.has(a.id) ? 'row-new' : '')}
        expandable={{
          expandedRowRender: (a) => {
            const evidence = a.lastEvidence ?? a.evidence;
            return (
              <div>
                {a.count > 1 && (
                  <div data-testid="alert-occurrences">
                    {t('alerts.occurrences', {
                      count: a.count,
                      first: fmtTime(a.firstSeenAt),
                      last: fmtTime(a.lastSeenAt),
                    })}
                  </div>
                )}
                <Typography.Text type="secondary">{t('alerts.evidence')}: </Typography.Text>
                <AlertEvidence type={a.type} evidence={evidence} />
                {(a.acknowledgeNote || a.closeNote) && (
                  <div>
                    {t('common.note')}: {a.closeNote ?? a.acknowledgeNote}
                  </div>
                )}
              </div>
            );
          },
        }}
        columns={[
          {
            title: t('alerts.severity'),
            dataIndex: 'severity',
            width: 80,
            render: (v: string) => <EnumTag kind="severity" value={v} />,
          },
          {
            title: t('alerts.type'),
            dataIndex: 'title',
            width: 180,
            render: (_: unknown, a) => (en ? a.titleEn : a.title),
          },
          { title: t('alerts.who'), key: 'who', width: 200, render: (_: unknown, a) => <WhoCell a={a} /> },
          { title: t('alerts.machine'), key: 'machine', width: 170, render: (_: unknown, a) => <MachineCell a={a} /> },
          { title: t('alerts.welder'), key: 'welder', width: 140, render: (_: unknown, a) => <WelderCell a={a} /> },
          { title: t('alerts.place'), key: 'place', width: 220, render: (_: unknown, a) => <PlaceCell a={a} /> },
          {
            title: t('alerts.state'),
            dataIndex: 'state',
            width: 90,
            render: (v: string) => <EnumTag kind="alertState" value={v} />,
          },
          {
            title: t('alerts.count'),
            key: 'count',
            width: 170,
            render: (_: unknown, a) => <OccurrencesCell a={a} />,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 200,
            render: (_: unknown, a) => (
              <Space size={4} wrap>
                <Button size="small" type="link" onClick={() => setDetail(a.id)} data-testid="alert-detail-open">
                  {t('records.alert.details')}
                </Button>
                {a.machineId && (
                  <Button size="small" type="link" onClick={() => onTimeline(a.machineId!)}>
                    {t('alerts.timeline')}
                  </Button>
                )}
                {a.state === 'open' && (
                  <Button size="small" onClick={() => onAction(a, 'acknowledge')} data-testid="alert-ack">
                    {t('alerts.acknowledge')}
                  </Button>
                )}
                {canClose && a.state !== 'closed' && (
                  <Button size="small" danger onClick={() => onAction(a, 'close')} data-testid="alert-close">
                    {t('alerts.close')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {detail && (
        <Suspense fallback={null}>
          <AlertDetailDrawer alertId={detail} onClose={() => setDetail(null)} />
        </Suspense>
      )}
    </>
  );
}
