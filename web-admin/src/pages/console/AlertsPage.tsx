import { Badge, Button, Card, Select } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { App } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlertView } from '../../api/types';
import { REGULATOR_ROLES, useSession } from '../../auth/session';
import { AlertActionModal, type AlertAction } from '../../components/AlertActionModal';
import { AlertsTable } from '../../components/AlertsTable';
import { MachineTimelineDrawer } from '../../components/MachineTimelineDrawer';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { useAlertStream } from '../../hooks/useAlertStream';
import { usePaged } from '../../hooks/usePaged';
import { ALERT_TYPES } from '../../components/alert-types';
import { alertStateValues, type components } from '../../api/schema';

type Schemas = components['schemas'];

export default function AlertsPage() {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const { notification } = App.useApp();
  const list = usePaged<AlertView>('/api/alerts', { state: 'open' });
  const [live, setLive] = useState<AlertView[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [timeline, setTimeline] = useState<string | null>(null);
  const [pending, setPending] = useState<{ alert: AlertView; action: AlertAction } | null>(null);
  const canClose = !!user && REGULATOR_ROLES.includes(user.role);
  const { filters, setFilters } = list;

  const matches = useCallback(
    (a: AlertView) =>
      (!filters.state || a.state === filters.state) &&
      (!filters.type || a.type === filters.type) &&
      (!filters.severity || a.severity === filters.severity),
    [filters],
  );

  // Counts already seen, so that an acknowledgement pushed by the stream does not pop up as "new".
  const seen = useRef(new Map<string, number>());
  for (const a of list.items) if (!seen.current.has(a.id)) seen.current.set(a.id, a.count);

  const connected = useAlertStream(
    (a) => {
      const known = seen.current.get(a.id);
      seen.current.set(a.id, a.count);
      setLive((prev) => [a, ...prev.filter((x) => x.id !== a.id)].slice(0, 50));
      setFresh((prev) => new Set(prev).add(a.id));
      if (a.state === 'open' && (known === undefined || a.count > known)) {
        notification.warning({
          message: t('alerts.newAlert', { title: i18n.language === 'en' ? a.titleEn : a.title }),
          description: a.enterpriseName ?? a.chipId ?? '',
          placement: 'bottomRight',
        });
      }
    },
    () => {
      setLive([]);
      list.reload();
    },
  );

  // Pushed alerts go on top of the first page (replacing their older copy) while they match the filters.
  const fetched = list.items;
  const pushed = list.pagination.current === 1 ? live.filter(matches) : [];
  const pushedIds = new Set(pushed.map((a) => a.id));
  const rows = [
    ...pushed,
    ...fetched.filter((a) => !pushedIds.has(a.id)).map((a) => live.find((l) => l.id === a.id) ?? a),
  ].filter(matches);

  const update = (a: AlertView) => {
    setLive((prev) => [a, ...prev.filter((x) => x.id !== a.id)]);
    setPending(null);
    list.reload();
  };

  return (
    <div data-testid="alerts-page">
      <PageHeader
        title={t('alerts.title')}
        subtitle={
          <Badge
            status={connected ? 'processing' : 'default'}
            text={connected ? t('alerts.live') : t('alerts.offline')}
            data-testid="alerts-live"
          />
        }
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              setLive([]);
              list.reload();
            }}
          >
            {t('common.refresh')}
          </Button>
        }
      />
      <Card size="small">
        <div className="toolbar">
          <Select
            allowClear
            placeholder={t('alerts.state')}
            style={{ width: 130 }}
            value={filters.state as string | undefined}
            onChange={(v) => setFilters({ ...filters, state: v })}
            options={alertStateValues.map((s) => ({ value: s, label: t(`alertState.${s}`) }))}
            data-testid="filter-state"
          />
          <Select
            allowClear
            placeholder={t('alerts.severity')}
            style={{ width: 120 }}
            value={filters.severity as string | undefined}
            onChange={(v) => setFilters({ ...filters, severity: v })}
            options={(['critical', 'warning', 'info'] as const satisfies readonly Schemas['AlertSeverity'][]).map(
              (s) => ({ value: s, label: t(`severity.${s}`) }),
            )}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('alerts.type')}
            style={{ width: 240, maxWidth: '100%' }}
            value={filters.type as string | undefined}
            onChange={(v) => setFilters({ ...filters, type: v })}
            options={ALERT_TYPES.map((s) => ({ value: s, label: t(`alertType.${s}`) }))}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <AlertsTable
            items={rows}
            loading={list.loading}
            pagination={list.pagination}
            canClose={canClose}
            emptyText={t('alerts.empty')}
            onTimeline={setTimeline}
            onAction={(alert, action) => setPending({ alert, action })}
            highlight={fresh}
          />
        )}
      </Card>
      <MachineTimelineDrawer machineId={timeline} onClose={() => setTimeline(null)} />
      <AlertActionModal
        alert={pending?.alert ?? null}
        action={pending?.action ?? 'acknowledge'}
        onDone={update}
        onCancel={() => setPending(null)}
      />
    </div>
  );
}
