import { Alert, Badge, Button, Card, DatePicker, Select, Tag } from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Paginated } from '../../api/client';
import type { AlertView, EnterpriseView } from '../../api/types';
import { REGULATOR_ROLES, useSession } from '../../auth/session';
import { AlertActionModal, type AlertAction } from '../../components/AlertActionModal';
import { AlertsTable } from '../../components/AlertsTable';
import { MachineTimelineDrawer } from '../../components/MachineTimelineDrawer';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { ErrorState } from '../../components/states';
import { useAlertStream } from '../../hooks/useAlertStream';
import { useApi } from '../../hooks/useApi';
import { useDownload } from '../../hooks/useDownload';
import { usePaged, type Filters } from '../../hooks/usePaged';
import { markAlertsSeen } from '../../hooks/useUnseenAlerts';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { ALERT_TYPES } from '../../components/alert-types';
import { periodOf, rangeOf } from '../../components/alert-period';
import { alertStateValues, type components } from '../../api/schema';

type Schemas = components['schemas'];

/** Filters the list understands, also read from the address (overview click-through). */
const FILTER_NAMES = [
  'state',
  'notClosed',
  'type',
  'severity',
  'enterpriseId',
  'machineId',
  'regionCode',
  'from',
  'to',
] as const;
const NOT_CLOSED = 'notClosed';

export default function AlertsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const fromUrl = useUrlFilters(FILTER_NAMES, { state: 'open' });
  const list = usePaged<AlertView>('/api/alerts', fromUrl);
  const [live, setLive] = useState<AlertView[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [timeline, setTimeline] = useState<string | null>(null);
  const [pending, setPending] = useState<{ alert: AlertView; action: AlertAction } | null>(null);
  const regulator = !!user && REGULATOR_ROLES.includes(user.role);
  const canClose = regulator;
  const { filters, setFilters } = list;
  const { busy: exporting, download } = useDownload();
  const enterprises = useApi<Paginated<EnterpriseView>>(regulator ? '/api/enterprises' : null, {
    query: { pageSize: 200 },
  });

  // A click-through from the overview while this page is open replaces the filters.
  useEffect(() => setFilters(fromUrl), [fromUrl, setFilters]);

  // Opening the list is seeing it: the menu badge counts alerts raised or repeated after this. Pushed
  // alerts are seen too, once a burst of them has settled (one request, not one per repeat).
  const markTimer = useRef<number | undefined>(undefined);
  const markSeen = useCallback(() => {
    window.clearTimeout(markTimer.current);
    markTimer.current = window.setTimeout(() => void markAlertsSeen().catch(() => undefined), 2000);
  }, []);
  useEffect(() => {
    void markAlertsSeen().catch(() => undefined);
    return () => window.clearTimeout(markTimer.current);
  }, []);

  const matches = useCallback(
    (a: AlertView) =>
      (!filters.state || a.state === filters.state) &&
      (!filters.notClosed || a.state !== 'closed') &&
      (!filters.type || a.type === filters.type) &&
      (!filters.severity || a.severity === filters.severity) &&
      (!filters.enterpriseId || a.enterpriseId === filters.enterpriseId) &&
      (!filters.machineId || a.machineId === filters.machineId) &&
      // A pushed alert's township is checked by the server on reload; here only the plain fields.
      !filters.regionCode &&
      !filters.to,
    [filters],
  );

  const connected = useAlertStream(
    (a) => {
      setLive((prev) => [a, ...prev.filter((x) => x.id !== a.id)].slice(0, 50));
      setFresh((prev) => new Set(prev).add(a.id));
      if (document.visibilityState === 'visible') markSeen();
    },
    () => {
      setLive([]);
      list.reload();
    },
  );

  // Rows already listed are updated where they are; new alerts are announced above the table and come
  // in on request, so the row the user is working on never moves under the pointer.
  const fetched = list.items;
  const fetchedIds = new Set(fetched.map((a) => a.id));
  const newCount = live.filter((a) => !fetchedIds.has(a.id) && matches(a)).length;
  const rows = fetched.map((a) => live.find((l) => l.id === a.id) ?? a);

  const update = (a: AlertView) => {
    setLive((prev) => [a, ...prev.filter((x) => x.id !== a.id)]);
    setPending(null);
  };
  // Alerts that came in live stay highlighted after the reload that brings them in.
  const reload = () => {
    setLive([]);
    list.reload();
  };
  const set = (patch: Filters) => setFilters({ ...filters, ...patch });
  const stateValue = filters.notClosed ? NOT_CLOSED : (filters.state as string | undefined);

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
          <>
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              onClick={() => download('/api/alerts/export.xlsx', 'alerts.xlsx', filters)}
              data-testid="export"
            >
              {t('common.export')}
            </Button>
            <Button icon={<ReloadOutlined />} onClick={reload}>
              {t('common.refresh')}
            </Button>
          </>
        }
      />
      <Card size="small">
        <div className="toolbar" data-testid="alert-filters">
          {filters.machineId && (
            // From the map: one machine's alerts; the tag says so and lifts it.
            <Tag closable onClose={() => set({ machineId: undefined })} data-testid="filter-machine">
              {t('alerts.filterOneMachine')}
            </Tag>
          )}
          <DatePicker.RangePicker
            allowClear
            style={{ width: 240, maxWidth: '100%' }}
            placeholder={[t('alerts.dateFrom'), t('alerts.dateTo')]}
            value={rangeOf(filters)}
            onChange={(r) => set({ from: undefined, to: undefined, ...periodOf(r) })}
            data-testid="filter-dates"
          />
          {regulator && (
            <RegionSelect
              value={filters.regionCode as string | undefined}
              onChange={(v) => set({ regionCode: v })}
              style={{ width: 180 }}
            />
          )}
          {regulator && (
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('alerts.filterEnterprise')}
              style={{ width: 220, maxWidth: '100%' }}
              loading={enterprises.loading}
              value={filters.enterpriseId as string | undefined}
              onChange={(v) => set({ enterpriseId: v })}
              options={(enterprises.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))}
              data-testid="filter-enterprise"
            />
          )}
          <Select
            allowClear
            placeholder={t('alerts.state')}
            style={{ width: 190 }}
            value={stateValue}
            onChange={(v?: string) =>
              set(v === NOT_CLOSED ? { state: undefined, notClosed: 'true' } : { state: v, notClosed: undefined })
            }
            options={[
              ...alertStateValues.map((s) => ({ value: s, label: t(`alertState.${s}`) })),
              { value: NOT_CLOSED, label: t('alerts.notClosed') },
            ]}
            data-testid="filter-state"
          />
          <Select
            allowClear
            placeholder={t('alerts.severity')}
            style={{ width: 120 }}
            value={filters.severity as string | undefined}
            onChange={(v) => set({ severity: v })}
            options={(['critical', 'warning', 'info'] as const satisfies readonly Schemas['AlertSeverity'][]).map(
              (s) => ({ value: s, label: t(`severity.${s}`) }),
            )}
            data-testid="filter-severity"
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('alerts.type')}
            style={{ width: 240, maxWidth: '100%' }}
            value={filters.type as string | undefined}
            onChange={(v) => set({ type: v })}
            options={ALERT_TYPES.map((s) => ({ value: s, label: t(`alertType.${s}`) }))}
            data-testid="filter-type"
          />
        </div>
        {newCount > 0 && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 8 }}
            title={t('alerts.newArrived', { count: newCount })}
            action={
              <Button size="small" type="primary" onClick={reload} data-testid="alerts-show-new">
                {t('alerts.showNew')}
              </Button>
            }
            data-testid="alerts-new-banner"
          />
        )}
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
