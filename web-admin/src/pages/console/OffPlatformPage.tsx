import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertView } from '../../api/types';
import { REGULATOR_ROLES, useSession } from '../../auth/session';
import { AlertActionModal, type AlertAction } from '../../components/AlertActionModal';
import { AlertsTable } from '../../components/AlertsTable';
import { OFF_PLATFORM_TYPES } from '../../components/alert-types';
import { MachineTimelineDrawer } from '../../components/MachineTimelineDrawer';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { useDownload } from '../../hooks/useDownload';
import { usePaged } from '../../hooks/usePaged';
import { alertStateValues } from '../../api/schema';

/** 非法作业排查: unregistered devices, arcs without grant, unlicensed attempts, activity at suspended enterprises. */
export default function OffPlatformPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const list = usePaged<AlertView>('/api/stats/off-platform');
  const { busy, download } = useDownload();
  const [timeline, setTimeline] = useState<string | null>(null);
  const [pending, setPending] = useState<{ alert: AlertView; action: AlertAction } | null>(null);
  const { filters, setFilters } = list;

  return (
    <div data-testid="off-platform-page">
      <PageHeader
        title={t('offPlatform.title')}
        subtitle={t('offPlatform.subtitle')}
        extra={
          <Button
            icon={<DownloadOutlined />}
            loading={busy}
            onClick={() => download('/api/stats/off-platform/export.xlsx', 'off-platform.xlsx', filters)}
            data-testid="export"
          >
            {t('common.export')}
          </Button>
        }
      />
      <Card size="small">
        <div className="toolbar">
          <Select
            allowClear
            placeholder={t('alerts.type')}
            style={{ width: 240, maxWidth: '100%' }}
            value={filters.type as string | undefined}
            onChange={(v) => setFilters({ ...filters, type: v })}
            options={OFF_PLATFORM_TYPES.map((s) => ({ value: s, label: t(`alertType.${s}`) }))}
          />
          <Select
            allowClear
            placeholder={t('alerts.state')}
            style={{ width: 130 }}
            value={filters.state as string | undefined}
            onChange={(v) => setFilters({ ...filters, state: v })}
            options={alertStateValues.map((s) => ({ value: s, label: t(`alertState.${s}`) }))}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <AlertsTable
            items={list.items}
            loading={list.loading}
            pagination={list.pagination}
            canClose={!!user && REGULATOR_ROLES.includes(user.role)}
            emptyText={t('offPlatform.empty')}
            onTimeline={setTimeline}
            onAction={(alert, action) => setPending({ alert, action })}
          />
        )}
      </Card>
      <MachineTimelineDrawer machineId={timeline} onClose={() => setTimeline(null)} />
      <AlertActionModal
        alert={pending?.alert ?? null}
        action={pending?.action ?? 'acknowledge'}
        onDone={() => {
          setPending(null);
          list.reload();
        }}
        onCancel={() => setPending(null)}
      />
    </div>
  );
}
