import { Card, Select, Table, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { deliveryChannelValues, deliveryStatusValues } from '../../api/schema';
import type { DeliveryView } from '../../api/types';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { EnumTag } from '../../components/tags';
import { usePaged } from '../../hooks/usePaged';

/** 推送记录: every delivery with its channel, masked recipient, status and attempts (platform admin; regulators their region's). */
export default function NotificationDeliveriesPage() {
  const { t } = useTranslation();
  const list = usePaged<DeliveryView>('/api/notification-deliveries');
  const { filters, setFilters } = list;
  return (
    <div data-testid="notification-deliveries-page">
      <PageHeader title={t('notifications.deliveriesTitle')} />
      <Card size="small">
        <div className="toolbar">
          <Select
            allowClear
            placeholder={t('notifications.status')}
            style={{ width: 130 }}
            value={filters.status as string | undefined}
            onChange={(v) => setFilters({ ...filters, status: v })}
            options={deliveryStatusValues.map((s) => ({ value: s, label: t(`deliveryStatus.${s}`) }))}
          />
          <Select
            allowClear
            placeholder={t('notifications.channel')}
            style={{ width: 170 }}
            value={filters.channel as string | undefined}
            onChange={(v) => setFilters({ ...filters, channel: v })}
            options={deliveryChannelValues.map((s) => ({ value: s, label: t(`deliveryChannel.${s}`) }))}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<DeliveryView>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 1000 }}
            locale={{ emptyText: <EmptyState description={t('notifications.deliveriesEmpty')} /> }}
            columns={[
              {
                title: t('notifications.createdAt'),
                dataIndex: 'createdAt',
                width: 140,
                render: (v: string) => fmtTime(v),
              },
              {
                title: t('notifications.kind'),
                dataIndex: 'kind',
                width: 100,
                render: (v: string) => t(`notificationKind.${v}`),
              },
              {
                title: t('notifications.level'),
                dataIndex: 'level',
                width: 140,
                render: (v: string | null) => (v ? t(`notifyLevel.${v}`) : '—'),
              },
              {
                title: t('notifications.channel'),
                dataIndex: 'channel',
                width: 150,
                render: (v: string) => t(`deliveryChannel.${v}`),
              },
              { title: t('notifications.recipient'), dataIndex: 'recipient', width: 190 },
              {
                title: t('notifications.status'),
                dataIndex: 'status',
                width: 90,
                // Why the last attempt failed, by its code (the provider's own words stay in the server's log).
                render: (v: string, d) => (
                  <Tooltip
                    title={
                      d.lastFailure
                        ? `${t('notifications.lastFailure')}: ${t(`deliveryFailure.${d.lastFailure}`)}` +
                          (d.lastProviderCode
                            ? `（${t('notifications.providerCode', { code: d.lastProviderCode })}）`
                            : '')
                        : undefined
                    }
                  >
                    <span>
                      <EnumTag kind="deliveryStatus" value={v} />
                    </span>
                  </Tooltip>
                ),
              },
              { title: t('notifications.attempts'), dataIndex: 'attempts', width: 80 },
              {
                title: t('notifications.sentAt'),
                key: 'at',
                width: 140,
                render: (_: unknown, d) => fmtTime(d.sentAt ?? d.failedAt),
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
