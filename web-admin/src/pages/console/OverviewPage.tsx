import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Statistic, Table, Tag, Typography } from 'antd';
import ReactECharts from '../../components/charts/LazyEChart';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { OverviewView } from '../../api/types';
import { useSession } from '../../auth/session';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, PageLoading } from '../../components/states';
import { fmtTime, percent } from '../../components/format';
import { useApi } from '../../hooks/useApi';
import TodayPanel, { type Today } from './TodayPanel';

// Leaflet and the map come after the numbers have painted (a chunk of their own).
const OverviewMap = lazy(() => import('../../components/map/OverviewMap'));

function StatCard({
  title,
  value,
  hint,
  color,
  testId,
  to,
}: {
  title: string;
  value: number;
  hint?: string;
  color?: string;
  testId?: string;
  /** The list behind the number, filtered to the same rule (click-through). */
  to?: string;
}) {
  const navigate = useNavigate();
  return (
    <Card
      size="small"
      style={{ height: '100%', cursor: to ? 'pointer' : undefined }}
      hoverable={!!to}
      onClick={to ? () => void navigate(to) : undefined}
      data-testid={testId}
    >
      <Statistic title={title} value={value} valueStyle={color ? { color } : undefined} />
      {hint && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {hint}
        </Typography.Text>
      )}
    </Card>
  );
}

export default function OverviewPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { data, error, loading, reload: reloadOverview } = useApi<OverviewView>('/api/stats/overview');
  const today = useApi<Today>(user?.role === 'regulator' ? '/api/me/today' : null);
  const navigate = useNavigate();
  const reload = () => {
    reloadOverview();
    today.reload();
  };

  if ((loading && !data) || (today.loading && !today.data)) return <PageLoading />;
  if (error && !data) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return null;

  const o = data;
  const enterpriseUser = user?.role === 'enterprise_admin' || user?.role === 'safety_manager';
  const scope = enterpriseUser ? t('overview.scopeEnterprise') : (o.regionName ?? t('overview.scopeAll'));
  const span = { xs: 12, sm: 12, md: 8, lg: 6, xl: 4 } as const;
  const alertTypes = Object.entries(o.alerts.openByType).sort((a, b) => b[1] - a[1]);
  const base = enterpriseUser ? '/workspace' : '/console';
  const alertsList = (query: string) => `${base}/alerts?${query}`;
  const weldersList = enterpriseUser ? '/workspace/welders' : '/console/ledgers/welders';
  // Bars of a township open its not-closed alerts (the openAlerts series counts those).
  const onTownshipClick = {
    click: (p: { dataIndex: number }) => {
      const row = o.byTownship[p.dataIndex];
      if (row) void navigate(alertsList(`notClosed=true&regionCode=${row.regionCode}`));
    },
  };

  const townshipChart = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 60 },
    xAxis: { type: 'category', data: o.byTownship.map((r) => r.regionName), axisLabel: { rotate: 40, interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: (['machines', 'chipped', 'welders', 'openAlerts'] as const).map((k) => ({
      name: t(`overview.series.${k}`),
      type: 'bar',
      data: o.byTownship.map((r) => r[k]),
    })),
  };
  const trendChart = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 30 },
    xAxis: { type: 'category', data: o.trend.map((p) => p.date.slice(5)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: (['alerts', 'arcs', 'permits'] as const).map((k) => ({
      name: t(`overview.series.${k}`),
      type: 'line',
      smooth: true,
      data: o.trend.map((p) => p[k]),
    })),
  };

  return (
    <div data-testid="overview-page">
      <PageHeader
        title={t('overview.title')}
        subtitle={
          <>
            {t('overview.subtitle', { scope, time: fmtTime(o.generatedAt) })}
            {o.census && (
              <span data-testid="overview-census-as-of">
                {' · '}
                {t('overview.censusAsOf', {
                  time: fmtTime(o.census.countedAt),
                  minutes: Math.max(1, Math.round(o.census.everyS / 60)),
                })}
              </span>
            )}
          </>
        }
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading}>
            {t('common.refresh')}
          </Button>
        }
      />
      {/* 今日待办: what needs a regulator today comes before the census. */}
      {user?.role === 'regulator' && <TodayPanel today={today} />}
      <Row gutter={[12, 12]}>
        <Col {...span}>
          <StatCard
            testId="stat-enterprises"
            to={enterpriseUser ? undefined : '/console/ledgers/enterprises'}
            title={t('overview.enterprises')}
            value={o.enterprises.total}
            hint={t('overview.enterprisesHint', o.enterprises)}
          />
        </Col>
        <Col {...span}>
          <StatCard
            testId="stat-machines"
            title={t('overview.machines')}
            value={o.machines.total}
            hint={t('overview.machinesHint', o.machines)}
          />
        </Col>
        <Col {...span}>
          <StatCard
            title={t('overview.chipped')}
            value={o.machines.chipped}
            hint={t('overview.chippedHint', { rate: percent(o.machines.chipped, o.machines.total) })}
            color="#1f5fbf"
          />
        </Col>
        <Col {...span}>
          <StatCard
            title={t('overview.online')}
            value={o.machines.online}
            hint={o.sources.devices ? undefined : t('overview.noDevices')}
            color="#389e0d"
          />
        </Col>
        <Col {...span}>
          <StatCard title={t('overview.arcing')} value={o.machines.arcing} color="#d46b08" />
        </Col>
        <Col {...span}>
          <StatCard title={t('overview.permitsToday')} value={o.permitsActiveToday} />
        </Col>
        <Col {...span}>
          <StatCard
            testId="stat-welders"
            to={`${weldersList}?status=active`}
            title={t('overview.welders')}
            value={o.welders.total}
          />
        </Col>
        <Col {...span}>
          <StatCard title={t('overview.certified')} value={o.welders.certified} color="#389e0d" />
        </Col>
        <Col {...span}>
          <StatCard title={t('overview.expiring')} value={o.welders.expiring90d} color="#d48806" />
        </Col>
        <Col {...span}>
          <StatCard
            title={t('overview.expired')}
            value={o.welders.expired + o.welders.reviewOverdue}
            hint={`${t('overview.reviewOverdue')} ${o.welders.reviewOverdue}`}
            color="#cf1322"
          />
        </Col>
        <Col {...span}>
          <StatCard title={t('overview.noCertificate')} value={o.welders.none} color="#cf1322" />
        </Col>
        <Col {...span}>
          <StatCard
            testId="stat-alerts"
            to={alertsList('state=open')}
            title={t('overview.openAlerts')}
            value={o.alerts.open}
            hint={t('overview.openAlertsHint', {
              critical: o.alerts.openBySeverity.critical ?? 0,
              warning: o.alerts.openBySeverity.warning ?? 0,
              info: o.alerts.openBySeverity.info ?? 0,
            })}
            color={o.alerts.open ? '#cf1322' : undefined}
          />
        </Col>
      </Row>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        <Col xs={24}>
          <Suspense
            fallback={<Card size="small" title={t('map.title')} data-testid="map-loading" style={{ minHeight: 520 }} />}
          >
            <OverviewMap base={base} focusCodes={user?.regionCode ? [user.regionCode] : undefined} />
          </Suspense>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('overview.byTownship')}>
            {o.byTownship.length ? (
              <ReactECharts option={townshipChart} style={{ height: 320 }} notMerge onEvents={onTownshipClick} />
            ) : (
              <EmptyState description={t('overview.noTownship')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('overview.alertsByType')} style={{ height: '100%' }}>
            {alertTypes.length ? (
              <Table
                size="small"
                pagination={false}
                rowKey={(r) => r[0]}
                dataSource={alertTypes}
                onRow={(r) => ({
                  onClick: () => void navigate(alertsList(`notClosed=true&type=${r[0]}`)),
                  style: { cursor: 'pointer' },
                })}
                columns={[
                  { title: t('alerts.type'), render: (_, r) => t(`alertType.${r[0]}`, { defaultValue: r[0] }) },
                  {
                    title: t('alerts.alertCount'),
                    align: 'right',
                    render: (_, r) => <Tag color="red">{r[1]}</Tag>,
                  },
                ]}
              />
            ) : (
              <EmptyState description={t('overview.noAlerts')} />
            )}
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('overview.trend')}>
            <ReactECharts option={trendChart} style={{ height: 280 }} notMerge />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
