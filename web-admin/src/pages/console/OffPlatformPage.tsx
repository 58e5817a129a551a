import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type {
  AlertView,
  AuditIndustriesView,
  AuditList,
  EmptyEnterpriseView,
  FoundUnregisteredMachineView,
  IdlePermitView,
  RankingRowView,
  ReportedEnterpriseView,
  ReviewDueCertificateView,
  SilentMachineView,
  UncertifiedWelderView,
  UnpermittedMachineView,
} from '../../api/types';
import { alertStateValues } from '../../api/schema';
import { REGULATOR_ROLES, useSession } from '../../auth/session';
import { AlertActionModal, type AlertAction } from '../../components/AlertActionModal';
import { AlertsTable } from '../../components/AlertsTable';
import { OFF_PLATFORM_TYPES } from '../../components/alert-types';
import { EnterpriseDrawer } from '../../components/EnterpriseDrawer';
import { fmtDate, fmtTime } from '../../components/format';
import { MachineTimelineDrawer } from '../../components/MachineTimelineDrawer';
import { PageHeader } from '../../components/PageHeader';
import { PermitDrawer } from '../../components/permits/PermitDrawer';
import { RegionSelect } from '../../components/RegionSelect';
import { EmptyState, ErrorState } from '../../components/states';
import { WelderDrawer } from '../../components/welders/WelderDrawer';
import { useApi } from '../../hooks/useApi';
import { HazardFormModal, type HazardSeed } from '../hazards/HazardFormModal';
import { TargetInspectionModal, type TargetSeed } from '../inspections/TargetInspectionModal';
import { useDownload } from '../../hooks/useDownload';
import { usePaged, type Filters } from '../../hooks/usePaged';

const DAY_OPTIONS = [7, 30, 60, 92];

/** What a row links to: the drawers the page opens. */
interface Open {
  enterprise: (id: string) => void;
  machine: (id: string) => void;
  welder: (id: string) => void;
  permit: (id: string) => void;
}

const Link = ({ onClick, children, testId }: { onClick: () => void; children: React.ReactNode; testId?: string }) => (
  <Typography.Link onClick={onClick} data-testid={testId}>
    {children}
  </Typography.Link>
);

/** One suspect list: its own page of rows for the shared filters (remounted when they change). */
function SuspectTable<T extends object>({
  path,
  filters,
  rowKey,
  columns,
  testId,
  toHazard,
  onHazard,
  targetLabel,
  onTarget,
  caption,
}: {
  path: string;
  filters: Filters;
  rowKey: (r: T) => string;
  columns: ColumnsType<T>;
  testId: string;
  /** What a hazard registered from this row says (转为隐患: the row becomes a finding to rectify). */
  toHazard?: (r: T) => HazardSeed;
  onHazard?: (seed: HazardSeed) => void;
  /** What the row names, for the reason of a targeted inspection (列为检查对象). */
  targetLabel?: (r: T) => string | null;
  onTarget?: (seed: TargetSeed) => void;
  /** A line above the table about the rows shown (the ranking: when its signals were counted). */
  caption?: (items: T[]) => ReactNode;
}) {
  const { t } = useTranslation();
  const listName = path.split('/').pop()!;
  const canHazard = !!(toHazard && onHazard);
  const withAction: ColumnsType<T> =
    canHazard || onTarget
      ? [
          ...columns,
          {
            title: t('offPlatform.col.action'),
            key: 'actions',
            width: canHazard && onTarget ? 180 : 100,
            fixed: 'right',
            render: (_: unknown, r: T) => (
              <Space size={12}>
                {toHazard && onHazard && (
                  <Link onClick={() => onHazard(toHazard(r))} testId="to-hazard">
                    {t('hazards.promote')}
                  </Link>
                )}
                {onTarget && (
                  <Link
                    onClick={() => {
                      const row = r as unknown as { enterpriseId: string; enterpriseName: string };
                      onTarget({
                        enterpriseId: row.enterpriseId,
                        enterpriseName: row.enterpriseName,
                        list: listName,
                        label: targetLabel?.(r) ?? null,
                      });
                    }}
                    testId="to-inspection"
                  >
                    {t('inspections.targetPromote')}
                  </Link>
                )}
              </Space>
            ),
          },
        ]
      : columns;
  const list = usePaged<T>(path, filters);
  if (list.error && !list.data) return <ErrorState error={list.error} onRetry={list.reload} />;
  return (
    <Table<T>
      data-testid={testId}
      rowKey={rowKey}
      size="small"
      loading={list.loading}
      dataSource={list.items}
      pagination={list.pagination}
      scroll={{ x: 1000 }}
      locale={{ emptyText: <EmptyState description={t('offPlatform.emptyList')} /> }}
      columns={withAction}
      title={caption && list.items.length ? () => caption(list.items) : undefined}
    />
  );
}

function enterpriseColumns<T extends { enterpriseId: string; enterpriseName: string; regionName: string }>(
  t: (k: string) => string,
  open: Open,
): ColumnsType<T> {
  return [
    {
      title: t('offPlatform.col.enterprise'),
      dataIndex: 'enterpriseName',
      render: (v: string, r) => (
        <Link onClick={() => open.enterprise(r.enterpriseId)} testId="open-enterprise">
          {v}
        </Link>
      ),
    },
    { title: t('offPlatform.col.township'), dataIndex: 'regionName', width: 110 },
  ];
}

/** 非法作业排查: the suspect lists no alert names, one tab each, and the ranking of enterprises built from them. */
export default function OffPlatformPage() {
  const { t } = useTranslation();
  const { busy, download } = useDownload();
  // The tab is in the address (?tab=silent-machines), so a list can be linked to and survives a reload.
  const [params, setParams] = useSearchParams();
  const tab = (params.get('tab') ?? 'ranking') as AuditList | 'alerts';
  const setTab = (k: string) => setParams(k === 'ranking' ? {} : { tab: k }, { replace: true });
  const [filters, setFilters] = useState<Filters>({ days: 30 });
  const [drawer, setDrawer] = useState<{ kind: keyof Open; id: string } | null>(null);
  const [seed, setSeed] = useState<HazardSeed | null>(null);
  const navigate = useNavigate();
  const { user } = useSession();
  // Regulators register findings; the platform admin only reads (the hazard register's rule).
  const onHazard = user?.role === 'regulator' ? setSeed : undefined;
  const [targetSeed, setTargetSeed] = useState<TargetSeed | null>(null);
  const onTarget = user?.role === 'regulator' ? setTargetSeed : undefined;
  const industries = useApi<AuditIndustriesView>('/api/off-platform/industries');
  const heavy = new Set(industries.data?.weldingHeavy ?? []);
  const open: Open = {
    enterprise: (id) => setDrawer({ kind: 'enterprise', id }),
    machine: (id) => setDrawer({ kind: 'machine', id }),
    welder: (id) => setDrawer({ kind: 'welder', id }),
    permit: (id) => setDrawer({ kind: 'permit', id }),
  };
  const drawerId = (kind: keyof Open) => (drawer?.kind === kind ? drawer.id : null);
  const key = JSON.stringify(filters);
  const machineLink = (id: string, name: string) => (
    <Link onClick={() => open.machine(id)} testId="open-machine">
      {name}
    </Link>
  );
  const welderLink = (id: string, name: string) => (
    <Link onClick={() => open.welder(id)} testId="open-welder">
      {name}
    </Link>
  );
  const hint = (k: string) => (
    <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t(`offPlatform.hints.${k}`)} />
  );

  // The lists that judge every machine read, for the default look-back, what was judged with the ranking.
  const judgedCaption = (items: { judgedAt: string | null }[]) =>
    items[0]?.judgedAt ? (
      <Typography.Text type="secondary" data-testid="list-judged-at">
        {t('offPlatform.judgedAt', { time: fmtTime(items[0].judgedAt) })}
      </Typography.Text>
    ) : null;

  const ranking = (
    <>
      {hint('ranking')}
      <SuspectTable<RankingRowView>
        onTarget={onTarget}
        targetLabel={(r) => t('inspections.rankingLabel', { rank: r.rank, score: r.score })}
        key={key}
        testId="list-ranking"
        path="/api/off-platform/ranking"
        caption={(items) =>
          items[0]?.countedAt ? (
            <Typography.Text type="secondary" data-testid="ranking-counted-at">
              {t('offPlatform.rankingCountedAt', { time: fmtTime(items[0].countedAt) })}
            </Typography.Text>
          ) : null
        }
        filters={filters}
        rowKey={(r) => r.enterpriseId}
        columns={[
          { title: t('offPlatform.col.rank'), dataIndex: 'rank', width: 70 },
          ...enterpriseColumns<RankingRowView>(t, open),
          { title: t('offPlatform.industry'), dataIndex: 'industry', width: 140 },
          {
            title: t('offPlatform.col.score'),
            dataIndex: 'score',
            width: 80,
            render: (v: number) => <Typography.Text strong>{v}</Typography.Text>,
          },
          {
            title: t('offPlatform.col.signals'),
            dataIndex: 'signals',
            render: (signals: RankingRowView['signals']) => (
              <Space size={[4, 4]} wrap>
                {signals.map((s) => (
                  <Tag key={s.signal} color={s.points >= 10 ? 'red' : 'orange'} data-testid={`signal-${s.signal}`}>
                    {t('offPlatform.signalLine', {
                      signal: t(`offPlatform.signal.${s.signal}`),
                      count: s.count,
                      points: s.points,
                    })}
                  </Tag>
                ))}
              </Space>
            ),
          },
        ]}
      />
    </>
  );

  const items = [
    { key: 'ranking', label: t('offPlatform.tabs.ranking'), children: ranking },
    {
      key: 'silent-machines',
      label: t('offPlatform.tabs.silentMachines'),
      children: (
        <>
          {hint('silentMachines')}
          <SuspectTable<SilentMachineView>
            onTarget={onTarget}
            targetLabel={(r) => r.machineName}
            key={key}
            testId="list-silent-machines"
            onHazard={onHazard}
            toHazard={(r) => ({
              enterpriseId: r.enterpriseId,
              enterpriseName: r.enterpriseName,
              machineId: r.machineId,
              category: r.reason === 'unchipped' ? 'machine_not_chipped' : 'other',
              description: t('offPlatform.toHazard.silentMachine', {
                machine: r.machineName,
                serial: r.serialNumber,
                reason: t(`offPlatform.silentReason.${r.reason}`),
              }),
            })}
            path="/api/off-platform/silent-machines"
            caption={judgedCaption}
            filters={filters}
            rowKey={(r) => r.machineId}
            columns={[
              {
                title: t('offPlatform.col.machine'),
                dataIndex: 'machineName',
                render: (v: string, r) => machineLink(r.machineId, v),
              },
              { title: t('offPlatform.col.serial'), dataIndex: 'serialNumber' },
              ...enterpriseColumns<SilentMachineView>(t, open),
              {
                title: t('offPlatform.col.reason'),
                dataIndex: 'reason',
                render: (v: string) => (
                  <Tag color={v === 'unchipped' ? 'orange' : 'red'}>{t(`offPlatform.silentReason.${v}`)}</Tag>
                ),
              },
              { title: t('offPlatform.col.boundAt'), dataIndex: 'boundAt', render: (v: string | null) => fmtTime(v) },
              {
                title: t('offPlatform.col.lastSeen'),
                dataIndex: 'lastSeenAt',
                render: (v: string | null) => fmtTime(v),
              },
              {
                title: t('offPlatform.col.onlineDays'),
                dataIndex: 'onlineDays',
                width: 100,
                render: (v: number | null) => v ?? '—',
              },
            ]}
          />
        </>
      ),
    },
    {
      key: 'unpermitted-machines',
      label: t('offPlatform.tabs.unpermittedMachines'),
      children: (
        <>
          {hint('unpermittedMachines')}
          <SuspectTable<UnpermittedMachineView>
            onTarget={onTarget}
            targetLabel={(r) => r.machineName}
            key={key}
            testId="list-unpermitted-machines"
            onHazard={onHazard}
            toHazard={(r) => ({
              enterpriseId: r.enterpriseId,
              enterpriseName: r.enterpriseName,
              machineId: r.machineId,
              category: r.arcsWithoutGrant > 0 ? 'arc_without_grant' : 'no_hot_work_permit',
              description: t('offPlatform.toHazard.unpermittedMachine', {
                machine: r.machineName,
                serial: r.serialNumber,
                days: r.onlineDaysWithoutPermit,
                arcs: r.arcsWithoutGrant,
              }),
            })}
            path="/api/off-platform/unpermitted-machines"
            caption={judgedCaption}
            filters={filters}
            rowKey={(r) => r.machineId}
            columns={[
              {
                title: t('offPlatform.col.machine'),
                dataIndex: 'machineName',
                render: (v: string, r) => machineLink(r.machineId, v),
              },
              { title: t('offPlatform.col.serial'), dataIndex: 'serialNumber' },
              ...enterpriseColumns<UnpermittedMachineView>(t, open),
              { title: t('offPlatform.col.onlineDaysWithoutPermit'), dataIndex: 'onlineDaysWithoutPermit', width: 120 },
              { title: t('offPlatform.col.arcsWithoutGrant'), dataIndex: 'arcsWithoutGrant', width: 110 },
              {
                title: t('offPlatform.col.lastArcWithoutGrant'),
                dataIndex: 'lastArcWithoutGrantAt',
                render: (v: string | null) => fmtTime(v),
              },
            ]}
          />
        </>
      ),
    },
    {
      key: 'empty-enterprises',
      label: t('offPlatform.tabs.emptyEnterprises'),
      children: (
        <>
          {hint('emptyEnterprises')}
          <SuspectTable<EmptyEnterpriseView>
            onTarget={onTarget}
            targetLabel={() => null}
            key={key}
            testId="list-empty-enterprises"
            path="/api/off-platform/empty-enterprises"
            filters={filters}
            rowKey={(r) => r.enterpriseId}
            columns={[
              ...enterpriseColumns<EmptyEnterpriseView>(t, open),
              { title: t('offPlatform.industry'), dataIndex: 'industry' },
              { title: t('offPlatform.col.address'), dataIndex: 'address' },
              { title: t('offPlatform.col.machines'), dataIndex: 'machines', width: 100 },
              { title: t('offPlatform.col.welders'), dataIndex: 'welders', width: 100 },
            ]}
          />
        </>
      ),
    },
    {
      key: 'uncertified-welders',
      label: t('offPlatform.tabs.uncertifiedWelders'),
      children: (
        <>
          {hint('uncertifiedWelders')}
          <SuspectTable<UncertifiedWelderView>
            onTarget={onTarget}
            targetLabel={(r) => r.welderName}
            key={key}
            testId="list-uncertified-welders"
            onHazard={onHazard}
            toHazard={(r) => ({
              enterpriseId: r.enterpriseId,
              enterpriseName: r.enterpriseName,
              welderId: r.welderId,
              category: 'unlicensed_welding',
              description: t('offPlatform.toHazard.uncertifiedWelder', { welder: r.welderName }),
            })}
            path="/api/off-platform/uncertified-welders"
            filters={filters}
            rowKey={(r) => r.welderId}
            columns={[
              {
                title: t('offPlatform.col.welder'),
                dataIndex: 'welderName',
                render: (v: string, r) => welderLink(r.welderId, v),
              },
              { title: t('offPlatform.col.idNumber'), dataIndex: 'idNumberMasked' },
              ...enterpriseColumns<UncertifiedWelderView>(t, open),
              {
                title: t('offPlatform.col.certificate'),
                dataIndex: 'certificateState',
                render: (v: string) => <Tag color="red">{t(`certState.${v}`)}</Tag>,
              },
              {
                title: t('offPlatform.col.lastPermit'),
                dataIndex: 'lastPermitStart',
                render: (v: string | null) => fmtTime(v),
              },
              {
                title: t('offPlatform.col.lastGrant'),
                dataIndex: 'lastGrantAt',
                render: (v: string | null) => fmtTime(v),
              },
            ]}
          />
        </>
      ),
    },
    {
      key: 'review-due-certificates',
      label: t('offPlatform.tabs.reviewDueCertificates'),
      children: (
        <>
          {hint('reviewDueCertificates')}
          <SuspectTable<ReviewDueCertificateView>
            onTarget={onTarget}
            targetLabel={(r) => r.welderName}
            key={key}
            testId="list-review-due-certificates"
            path="/api/off-platform/review-due-certificates"
            filters={filters}
            rowKey={(r) => r.certificateId}
            columns={[
              {
                title: t('offPlatform.col.welder'),
                dataIndex: 'welderName',
                render: (v: string, r) => welderLink(r.welderId, v),
              },
              ...enterpriseColumns<ReviewDueCertificateView>(t, open),
              { title: t('offPlatform.col.reviewDueOn'), dataIndex: 'reviewDueOn', render: (v: string) => fmtDate(v) },
              { title: t('offPlatform.col.expiresOn'), dataIndex: 'expiresOn', render: (v: string) => fmtDate(v) },
              {
                title: t('offPlatform.col.reviewState'),
                dataIndex: 'reviewState',
                render: (v: string) => (
                  <Tag color={v === 'overdue' ? 'red' : 'gold'}>{t(`offPlatform.reviewState.${v}`)}</Tag>
                ),
              },
            ]}
          />
        </>
      ),
    },
    {
      key: 'idle-permits',
      label: t('offPlatform.tabs.idlePermits'),
      children: (
        <>
          {hint('idlePermits')}
          <SuspectTable<IdlePermitView>
            onTarget={onTarget}
            targetLabel={(r) => r.machineName}
            key={key}
            testId="list-idle-permits"
            path="/api/off-platform/idle-permits"
            filters={filters}
            rowKey={(r) => `${r.permitId}:${r.machineId}`}
            columns={[
              {
                title: t('offPlatform.col.work'),
                dataIndex: 'workDescription',
                render: (v: string, r) => (
                  <Link onClick={() => open.permit(r.permitId)} testId="open-permit">
                    {v}
                  </Link>
                ),
              },
              { title: t('offPlatform.col.site'), dataIndex: 'siteAddress' },
              ...enterpriseColumns<IdlePermitView>(t, open),
              {
                title: t('offPlatform.col.window'),
                render: (_: unknown, r) => `${fmtTime(r.plannedStart)} – ${fmtTime(r.endedAt)}`,
              },
              {
                title: t('offPlatform.col.machine'),
                dataIndex: 'machineName',
                render: (v: string, r) => machineLink(r.machineId, v),
              },
              { title: t('offPlatform.col.arcsElsewhere'), dataIndex: 'arcsElsewhere', width: 100 },
              {
                title: t('offPlatform.col.firstArcElsewhere'),
                dataIndex: 'firstArcElsewhereAt',
                render: (v: string) => fmtTime(v),
              },
            ]}
          />
        </>
      ),
    },
    {
      key: 'reported-enterprises',
      label: t('offPlatform.tabs.reportedEnterprises'),
      children: (
        <>
          {hint('reportedEnterprises')}
          <SuspectTable<ReportedEnterpriseView>
            onTarget={onTarget}
            targetLabel={(r) => r.trackingCode}
            key={key}
            testId="list-reported-enterprises"
            path="/api/off-platform/reported-enterprises"
            filters={filters}
            rowKey={(r) => r.reportId}
            columns={[
              ...enterpriseColumns<ReportedEnterpriseView>(t, open),
              { title: t('offPlatform.col.trackingCode'), dataIndex: 'trackingCode', width: 120 },
              {
                title: t('offPlatform.col.reportStatus'),
                dataIndex: 'status',
                width: 100,
                render: (v: string) => <Tag>{t(`public.reportStatus.${v}`)}</Tag>,
              },
              { title: t('offPlatform.col.reportedAt'), dataIndex: 'reportedAt', render: (v: string) => fmtTime(v) },
              { title: t('offPlatform.col.description'), dataIndex: 'description', ellipsis: true },
            ]}
          />
        </>
      ),
    },
    {
      key: 'found-unregistered-machines',
      label: t('offPlatform.tabs.foundUnregisteredMachines'),
      children: (
        <>
          {hint('foundUnregisteredMachines')}
          <SuspectTable<FoundUnregisteredMachineView>
            key={key}
            testId="list-found-unregistered-machines"
            path="/api/off-platform/found-unregistered-machines"
            filters={filters}
            rowKey={(r) => r.findingId}
            columns={[
              ...enterpriseColumns<FoundUnregisteredMachineView>(t, open),
              { title: t('offPlatform.col.foundAt'), dataIndex: 'foundAt', render: (v: string) => fmtTime(v) },
              { title: t('offPlatform.col.photoCount'), dataIndex: 'photoCount', width: 80 },
              { title: t('offPlatform.col.findingDescription'), dataIndex: 'description', ellipsis: true },
            ]}
          />
        </>
      ),
    },
    { key: 'alerts', label: t('offPlatform.tabs.alerts'), children: <AlertClues /> },
  ];

  return (
    <div data-testid="off-platform-page">
      <PageHeader
        title={t('offPlatform.title')}
        subtitle={t('offPlatform.subtitle')}
        extra={
          tab === 'alerts' ? null : (
            <Button
              icon={<DownloadOutlined />}
              loading={busy}
              onClick={() =>
                download('/api/off-platform/export.xlsx', `off-platform-${tab}.xlsx`, { ...filters, list: tab })
              }
              data-testid="export"
            >
              {t('common.export')}
            </Button>
          )
        }
      />
      <Card size="small">
        {tab === 'alerts' ? null : (
          <div className="toolbar">
            <RegionSelect
              value={filters.regionCode as string | undefined}
              onChange={(v) => setFilters({ ...filters, regionCode: v })}
            />
            <Select
              allowClear
              showSearch
              data-testid="industry-filter"
              placeholder={t('offPlatform.industry')}
              style={{ width: 240, maxWidth: '100%' }}
              loading={industries.loading}
              value={filters.industry as string | undefined}
              onChange={(v) => setFilters({ ...filters, industry: v })}
              options={(industries.data?.industries ?? []).map((i) => ({
                value: i,
                label: heavy.has(i) ? `${i}（${t('offPlatform.weldingHeavy')}）` : i,
              }))}
            />
            <Select
              style={{ width: 130 }}
              aria-label={t('offPlatform.days')}
              value={filters.days as number}
              onChange={(v) => setFilters({ ...filters, days: v })}
              options={DAY_OPTIONS.map((d) => ({ value: d, label: t('offPlatform.daysOption', { days: d }) }))}
            />
          </div>
        )}
        <Tabs activeKey={tab} onChange={setTab} items={items} destroyOnHidden data-testid="off-platform-tabs" />
      </Card>
      <TargetInspectionModal
        seed={targetSeed}
        onClose={(plan) => {
          setTargetSeed(null);
          if (plan) void navigate(`/console/inspections?open=${plan.id}`);
        }}
      />
      <HazardFormModal
        open={!!seed}
        regulator
        seed={seed}
        onClose={() => setSeed(null)}
        onCreated={(h) => {
          setSeed(null);
          void navigate(`/console/hazards?open=${h.id}`);
        }}
      />
      <EnterpriseDrawer enterpriseId={drawerId('enterprise')} onClose={() => setDrawer(null)} />
      <MachineTimelineDrawer machineId={drawerId('machine')} onClose={() => setDrawer(null)} />
      <WelderDrawer
        welderId={drawerId('welder')}
        canManage={false}
        trainingTiers={[]}
        onClose={() => setDrawer(null)}
        onChanged={() => undefined}
      />
      <PermitDrawer
        permitId={drawerId('permit')}
        canAct={false}
        onClose={() => setDrawer(null)}
        onChanged={() => undefined}
      />
    </div>
  );
}

/** The platform's own alerts of off-platform kinds (unregistered devices, arcs without grant, ...), as before. */
function AlertClues() {
  const { t } = useTranslation();
  const { user } = useSession();
  const list = usePaged<AlertView>('/api/stats/off-platform');
  const { busy, download } = useDownload();
  const [timeline, setTimeline] = useState<string | null>(null);
  const [pending, setPending] = useState<{ alert: AlertView; action: AlertAction } | null>(null);
  const { filters, setFilters } = list;
  return (
    <>
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
        <Button
          icon={<DownloadOutlined />}
          loading={busy}
          onClick={() => download('/api/stats/off-platform/export.xlsx', 'off-platform.xlsx', filters)}
          data-testid="export-alerts"
        >
          {t('common.export')}
        </Button>
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
    </>
  );
}
