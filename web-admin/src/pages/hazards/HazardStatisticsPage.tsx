import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, DatePicker, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { AuditIndustriesView } from '../../api/types';
import type { components } from '../../api/schema';
import ReactECharts from '../../components/charts/LazyEChart';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { EmptyState, ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { useDownload } from '../../hooks/useDownload';
import { HAZARD_CATEGORIES } from './hazardsApi';

type Stats = components['schemas']['HazardStatisticsView'];
type Row = components['schemas']['HazardRegionIndustryRowView'];
type Count = { key: string; count: number };

const fmtHours = (h: number | null | undefined) => (h === null || h === undefined ? '—' : h.toFixed(1));

/**
 * 隐患统计 (issue 15 §5): by source, level and state, time to sign-off, and the township × industry ×
 * category table. Every number opens the hazard list filtered to the same rule.
 */
export default function HazardStatisticsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(1, 'year').add(1, 'day'), dayjs()]);
  const [regionCode, setRegionCode] = useState<string | undefined>();
  const [industry, setIndustry] = useState<string | undefined>();
  const filters = {
    from: range[0].format('YYYY-MM-DD'),
    to: range[1].format('YYYY-MM-DD'),
    regionCode,
    industry,
  };
  const { data, error, loading, reload } = useApi<Stats>('/api/hazards/statistics', { query: filters });
  const industries = useApi<AuditIndustriesView>('/api/off-platform/industries');
  const { busy: exporting, download } = useDownload();

  /** The hazard list behind a number: the same period, region and industry, plus the clicked rule. */
  const drill = (extra: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) q.set(k, v);
    void navigate(`/console/hazards?${q.toString()}`);
  };

  const pie = (rows: Count[], label: (k: string) => string, field: string) => ({
    option: {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0, type: 'scroll' },
      series: [
        {
          type: 'pie',
          radius: ['30%', '55%'],
          top: -20,
          label: { formatter: '{b}: {c}', width: 90, overflow: 'break' },
          data: rows.map((r) => ({ name: label(r.key), value: r.count, key: r.key })),
        },
      ],
    },
    onEvents: {
      click: (p: { data: { key: string } }) => drill({ [field]: p.data.key }),
    },
  });

  const stateBars = (rows: Count[]) => ({
    option: {
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 16, top: 16, bottom: 40 },
      xAxis: { type: 'category', data: rows.map((r) => t(`hazardState.${r.key}`)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: rows.map((r) => r.count), barMaxWidth: 48 }],
    },
    onEvents: {
      click: (p: { dataIndex: number }) => rows[p.dataIndex] && drill({ state: rows[p.dataIndex].key }),
    },
  });

  const categories = HAZARD_CATEGORIES.filter((c) => data?.byRegionIndustry.some((r) => r.byCategory[c]));
  const cellLink = (n: number, extra: Record<string, string>, testId?: string) =>
    n ? (
      <Typography.Link onClick={() => drill(extra)} data-testid={testId}>
        {n}
      </Typography.Link>
    ) : (
      <Typography.Text type="secondary">0</Typography.Text>
    );
  const columns: ColumnsType<Row> = [
    { title: t('hazardStats.region'), dataIndex: 'regionName', fixed: 'left', width: 120 },
    { title: t('hazardStats.industry'), dataIndex: 'industry', fixed: 'left', width: 150 },
    {
      title: t('hazardStats.total'),
      dataIndex: 'total',
      align: 'right',
      render: (n: number, r) =>
        cellLink(n, { regionCode: r.regionCode, industry: r.industry }, `cell-${r.regionCode}-total`),
    },
    {
      title: t('hazardStats.major'),
      dataIndex: 'major',
      align: 'right',
      render: (n: number, r) => cellLink(n, { regionCode: r.regionCode, industry: r.industry, level: 'major' }),
    },
    {
      title: t('hazardStats.overdue'),
      dataIndex: 'overdue',
      align: 'right',
      render: (n: number, r) => cellLink(n, { regionCode: r.regionCode, industry: r.industry, overdue: 'true' }),
    },
    {
      title: t('hazardStats.signedOff'),
      dataIndex: 'signedOff',
      align: 'right',
      render: (n: number, r) => cellLink(n, { regionCode: r.regionCode, industry: r.industry, state: 'signed_off' }),
    },
    ...categories.map((c) => ({
      title: t(`hazardCategory.${c}`),
      key: c,
      align: 'right' as const,
      render: (_: unknown, r: Row) =>
        cellLink(r.byCategory[c] ?? 0, { regionCode: r.regionCode, industry: r.industry, category: c }),
    })),
  ];

  const s = data?.signOff;
  const span = { xs: 12, sm: 8, md: 6, lg: 3 } as const;
  const figure = (title: string, value: number | string, testId: string, onClick?: () => void, color?: string) => (
    <Col {...span}>
      <Card
        size="small"
        hoverable={!!onClick}
        onClick={onClick}
        style={{ height: '100%', cursor: onClick ? 'pointer' : undefined }}
        data-testid={testId}
      >
        <Statistic title={title} value={value} valueStyle={color ? { color } : undefined} />
      </Card>
    </Col>
  );

  return (
    <div data-testid="hazard-statistics-page">
      <PageHeader
        title={t('hazardStats.title')}
        subtitle={t('hazardStats.subtitle')}
        extra={
          <>
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              onClick={() => download('/api/hazards/statistics/export.xlsx', 'hazard-statistics.xlsx', filters)}
              data-testid="hazard-stats-export"
            >
              {t('common.export')}
            </Button>
            <Button icon={<ReloadOutlined />} onClick={reload} loading={loading}>
              {t('common.refresh')}
            </Button>
          </>
        }
      />
      <Space wrap style={{ marginBottom: 16 }}>
        <Typography.Text>{t('hazardStats.period')}</Typography.Text>
        <DatePicker.RangePicker
          allowClear={false}
          value={range}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          data-testid="hazard-stats-range"
        />
        <RegionSelect value={regionCode} onChange={setRegionCode} levels={['township']} style={{ width: 160 }} />
        <Select
          allowClear
          showSearch
          placeholder={t('hazardStats.industry')}
          style={{ width: 200 }}
          value={industry}
          onChange={(v: string | undefined) => setIndustry(v)}
          loading={industries.loading}
          options={(industries.data?.industries ?? []).map((i) => ({ value: i, label: i }))}
          data-testid="hazard-stats-industry"
        />
      </Space>
      {error != null && !data ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Row gutter={[12, 12]}>
            {figure(t('hazardStats.total'), data?.total ?? 0, 'hazard-stats-total', () => drill({}))}
            {figure(t('hazardStats.major'), data?.major ?? 0, 'hazard-stats-major', () => drill({ level: 'major' }))}
            {figure(
              t('hazardStats.overdue'),
              s?.overdue ?? 0,
              'hazard-stats-overdue',
              () => drill({ overdue: 'true' }),
              s?.overdue ? '#cf1322' : undefined,
            )}
            {figure(t('hazardStats.signedOff'), s?.signedOff ?? 0, 'hazard-stats-signed-off', () =>
              drill({ state: 'signed_off' }),
            )}
            {figure(t('hazardStats.onTime'), s?.onTime ?? 0, 'hazard-stats-on-time')}
            {figure(t('hazardStats.late'), s?.late ?? 0, 'hazard-stats-late')}
            {figure(t('hazardStats.medianHours'), fmtHours(s?.medianHours), 'hazard-stats-median')}
            {figure(t('hazardStats.p90Hours'), fmtHours(s?.p90Hours), 'hazard-stats-p90')}
          </Row>
          <Row gutter={[12, 12]}>
            {(
              [
                ['bySource', data?.bySource ?? [], (k: string) => t(`hazardSource.${k}`), 'source'],
                ['byLevel', data?.byLevel ?? [], (k: string) => t(`hazardLevel.${k}`), 'level'],
              ] as const
            ).map(([key, rows, label, field]) => (
              <Col xs={24} lg={8} key={key}>
                <Card size="small" title={t(`hazardStats.${key}`)} data-testid={`hazard-stats-${key}`}>
                  {rows.length ? (
                    <ReactECharts style={{ height: 260 }} notMerge {...pie(rows, label, field)} />
                  ) : (
                    <EmptyState description={t('hazardStats.empty')} />
                  )}
                </Card>
              </Col>
            ))}
            <Col xs={24} lg={8}>
              <Card size="small" title={t('hazardStats.byState')} data-testid="hazard-stats-byState">
                {data?.byState.length ? (
                  <ReactECharts style={{ height: 260 }} notMerge {...stateBars(data.byState)} />
                ) : (
                  <EmptyState description={t('hazardStats.empty')} />
                )}
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('hazardStats.table')}>
            <Table<Row>
              rowKey={(r) => `${r.regionCode}-${r.industry}`}
              size="small"
              loading={loading}
              dataSource={data?.byRegionIndustry ?? []}
              columns={columns}
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="hazard-stats-table"
              locale={{ emptyText: <EmptyState description={t('hazardStats.empty')} /> }}
            />
          </Card>
        </Space>
      )}
    </div>
  );
}
