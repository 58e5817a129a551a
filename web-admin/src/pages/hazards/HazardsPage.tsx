import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Select, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { Paginated } from '../../api/client';
import type { EnterpriseView } from '../../api/types';
import { ENTERPRISE_ROLES, useSession } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { EmptyState, ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { usePaged } from '../../hooks/usePaged';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { HazardDrawer } from './HazardDrawer';
import { HazardFormModal } from './HazardFormModal';
import {
  HAZARD_CATEGORIES,
  HAZARD_LEVELS,
  HAZARD_SOURCES,
  HAZARD_STATES,
  LEVEL_COLOUR,
  STATE_COLOUR,
  type HazardSummary,
  type SlowProgress,
} from './hazardsApi';

/** Filters the list understands, also read from the address (statistics drill-down, the day's to-do list). */
const FILTER_NAMES = [
  'regionCode',
  'enterpriseId',
  'category',
  'level',
  'state',
  'source',
  'overdue',
  'industry',
  'from',
  'to',
] as const;
const DAY_MS = 86_400_000;

/** 整改期限, prominent: overdue by N days in red, due within three days in orange, with the date. */
function DeadlineCell({ hazard }: { hazard: HazardSummary }) {
  const { t } = useTranslation();
  if (!hazard.deadline) return <>—</>;
  const waiting = hazard.state === 'ordered';
  const ms = new Date(hazard.deadline).getTime() - Date.now();
  // Days left, rounded up; days overdue, whole days past the deadline (at least one).
  const left = Math.ceil(ms / DAY_MS);
  const late = Math.max(1, Math.floor(-ms / DAY_MS));
  return (
    <span data-testid="hazard-deadline">
      <Typography.Text strong={waiting} type={hazard.overdue ? 'danger' : undefined}>
        {fmtTime(hazard.deadline)}
      </Typography.Text>
      <br />
      {hazard.overdue ? (
        <Tag color="red">{t('hazards.overdueDays', { count: late })}</Tag>
      ) : waiting ? (
        <Tag color={left <= 3 ? 'orange' : 'blue'}>{t('hazards.daysLeft', { count: Math.max(0, left) })}</Tag>
      ) : null}
    </span>
  );
}

/** 进展缓慢: enterprises with overdue items and the letters, circulars, interviews and exposures recorded. */
function SlowProgressTable({ onOpenEnterprise }: { onOpenEnterprise: (id: string) => void }) {
  const { t } = useTranslation();
  const slow = useApi<SlowProgress[]>('/api/hazards/slow-progress');
  if (slow.error != null) return <ErrorState error={slow.error} onRetry={slow.reload} />;
  return (
    <Table<SlowProgress>
      rowKey="enterpriseId"
      size="middle"
      loading={slow.loading}
      dataSource={slow.data ?? []}
      pagination={false}
      data-testid="hazards-slow-table"
      locale={{ emptyText: <EmptyState description={t('hazards.slowEmpty')} /> }}
      onRow={(r) => ({ onClick: () => onOpenEnterprise(r.enterpriseId), style: { cursor: 'pointer' } })}
      columns={[
        { title: t('hazards.enterprise'), dataIndex: 'enterpriseName' },
        { title: t('hazards.township'), dataIndex: 'regionName', width: 120, render: (v: string | null) => v ?? '—' },
        { title: t('hazards.overdueCount'), dataIndex: 'overdueCount', width: 100 },
        { title: t('hazards.majorOverdueCount'), dataIndex: 'majorOverdueCount', width: 100 },
        {
          title: t('hazards.oldestDeadline'),
          dataIndex: 'oldestDeadline',
          width: 170,
          render: (v: string) => fmtTime(v),
        },
        {
          title: t('hazards.measures'),
          render: (_: unknown, r) =>
            r.measures.length
              ? r.measures.map((m) => (
                  <Tag key={m.id} title={`${m.note} · ${m.issuedByName} · ${fmtTime(m.issuedAt)}`}>
                    {t(`hazardMeasureKind.${m.kind}`)} {fmtTime(m.issuedAt)}
                  </Tag>
                ))
              : t('hazards.noMeasures'),
        },
      ]}
    />
  );
}

/** 隐患台账: the register (regulators: their region; enterprises: their own), with the step whose turn it is. */
export default function HazardsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const enterpriseSide = !!user && ENTERPRISE_ROLES.includes(user.role);
  const regulator = user?.role === 'regulator';
  const fromUrl = useUrlFilters(FILTER_NAMES);
  const list = usePaged<HazardSummary>('/api/hazards', fromUrl);
  // A click-through while this page is open replaces the filters.
  const { setFilters } = list;
  useEffect(() => setFilters(fromUrl), [fromUrl, setFilters]);
  // The enterprise's own overdue items, counted for the banner above its list.
  const overdueOwn = useApi<Paginated<HazardSummary>>(enterpriseSide ? '/api/hazards' : null, {
    query: { overdue: true, pageSize: 1 },
  });
  const enterprises = useApi<Paginated<EnterpriseView>>(enterpriseSide ? null : '/api/enterprises', {
    query: { pageSize: 200 },
  });
  // ?open=<id>: the link from an alert or a report that became a hazard.
  const [params] = useSearchParams();
  const [open, setOpen] = useState<string | null>(params.get('open'));
  const [creating, setCreating] = useState(false);
  const [tab, setTab] = useState('register');
  const f = list.filters;
  const set = (k: string, v: string | boolean | undefined) => list.setFilters({ ...f, [k]: v });

  const filters = (
    <>
      {!enterpriseSide && (
        <RegionSelect
          value={f.regionCode as string | undefined}
          onChange={(v) => set('regionCode', v)}
          levels={['township']}
          style={{ width: 160 }}
        />
      )}
      {!enterpriseSide && (
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ width: 200 }}
          placeholder={t('hazards.enterprise')}
          value={f.enterpriseId as string | undefined}
          data-testid="hazards-enterprise-filter"
          onChange={(v: string | undefined) => set('enterpriseId', v)}
          options={(enterprises.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))}
        />
      )}
      <Select
        allowClear
        style={{ width: 170 }}
        placeholder={t('hazards.category')}
        value={f.category as string | undefined}
        data-testid="hazards-category-filter"
        onChange={(v: string | undefined) => set('category', v)}
        options={HAZARD_CATEGORIES.map((c) => ({ value: c, label: t(`hazardCategory.${c}`) }))}
      />
      <Select
        allowClear
        style={{ width: 120 }}
        placeholder={t('hazards.level')}
        value={f.level as string | undefined}
        onChange={(v: string | undefined) => set('level', v)}
        options={HAZARD_LEVELS.map((l) => ({ value: l, label: t(`hazardLevel.${l}`) }))}
      />
      <Select
        allowClear
        style={{ width: 150 }}
        placeholder={t('hazards.state')}
        value={f.state as string | undefined}
        data-testid="hazards-state-filter"
        onChange={(v: string | undefined) => set('state', v)}
        options={HAZARD_STATES.map((s) => ({ value: s, label: t(`hazardState.${s}`) }))}
      />
      <Select
        allowClear
        style={{ width: 150 }}
        placeholder={t('hazards.source')}
        value={f.source as string | undefined}
        onChange={(v: string | undefined) => set('source', v)}
        options={HAZARD_SOURCES.map((s) => ({ value: s, label: t(`hazardSource.${s}`) }))}
      />
      <Checkbox checked={!!f.overdue} onChange={(e) => set('overdue', e.target.checked || undefined)}>
        {t('hazards.overdueOnly')}
      </Checkbox>
      {f.industry && (
        <Tag closable onClose={() => set('industry', undefined)} data-testid="hazards-industry-filter">
          {t('hazards.industryFilter', { industry: f.industry })}
        </Tag>
      )}
      {(f.from || f.to) && (
        <Tag
          closable
          onClose={() => list.setFilters({ ...f, from: undefined, to: undefined })}
          data-testid="hazards-period-filter"
        >
          {t('hazards.periodFilter', { from: f.from ?? '…', to: f.to ?? '…' })}
        </Tag>
      )}
    </>
  );

  const table =
    list.error != null ? (
      <ErrorState error={list.error} onRetry={list.reload} />
    ) : (
      <Table<HazardSummary>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        scroll={{ x: 1000 }}
        locale={{ emptyText: <EmptyState description={t('hazards.empty')} /> }}
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        data-testid="hazards-table"
        columns={[
          {
            title: t('hazards.state'),
            dataIndex: 'state',
            width: 150,
            render: (_: unknown, r) => (
              <>
                <Tag color={STATE_COLOUR[r.state]}>{t(`hazardState.${r.state}`)}</Tag>
                {r.overdue && <Tag color="red">{t('hazards.overdue')}</Tag>}
              </>
            ),
          },
          {
            title: t('hazards.category'),
            width: 200,
            render: (_: unknown, r) => (
              <>
                {t(`hazardCategory.${r.category}`)}{' '}
                <Tag color={LEVEL_COLOUR[r.level]}>{t(`hazardLevel.${r.level}`)}</Tag>
              </>
            ),
          },
          { title: t('hazards.description'), dataIndex: 'description', ellipsis: true },
          ...(enterpriseSide
            ? []
            : [
                { title: t('hazards.enterprise'), dataIndex: 'enterpriseName', width: 200, ellipsis: true },
                {
                  title: t('hazards.township'),
                  dataIndex: 'regionName',
                  width: 100,
                  render: (v: string | null) => v ?? '—',
                },
              ]),
          {
            title: t('hazards.source'),
            dataIndex: 'source',
            width: 130,
            render: (v: string) => t(`hazardSource.${v}`),
          },
          {
            title: t('hazards.deadline'),
            dataIndex: 'deadline',
            width: 170,
            render: (_: unknown, r) => <DeadlineCell hazard={r} />,
          },
          { title: t('hazards.createdAt'), dataIndex: 'createdAt', width: 160, render: (v: string) => fmtTime(v) },
        ]}
      />
    );

  return (
    <>
      <PageHeader
        title={t('hazards.title')}
        subtitle={enterpriseSide ? t('hazards.workspaceSubtitle') : t('hazards.subtitle')}
        extra={
          <>
            {(enterpriseSide || regulator) && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="hazard-create"
              >
                {enterpriseSide ? t('hazards.report') : t('hazards.register')}
              </Button>
            )}
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
          </>
        }
      />
      <Card>
        {enterpriseSide ? (
          <>
            {!!overdueOwn.data?.total && (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 16 }}
                data-testid="hazards-overdue-banner"
                message={t('hazards.overdueBanner', { count: overdueOwn.data.total })}
                action={
                  <Button size="small" danger onClick={() => list.setFilters({ overdue: true })}>
                    {t('hazards.showOverdue')}
                  </Button>
                }
              />
            )}
            <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginBottom: 16 }}>{filters}</div>
            {table}
          </>
        ) : (
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              {
                key: 'register',
                label: t('hazards.tabRegister'),
                children: (
                  <>
                    <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginBottom: 16 }}>{filters}</div>
                    {table}
                  </>
                ),
              },
              {
                key: 'slow',
                label: <span data-testid="hazards-tab-slow">{t('hazards.tabSlow')}</span>,
                children: (
                  <SlowProgressTable
                    onOpenEnterprise={(id) => {
                      list.setFilters({ enterpriseId: id, overdue: true });
                      setTab('register');
                    }}
                  />
                ),
              },
            ]}
          />
        )}
      </Card>
      <HazardDrawer
        id={open}
        onClose={() => setOpen(null)}
        onChanged={() => {
          list.reload();
          overdueOwn.reload();
        }}
      />
      <HazardFormModal
        open={creating}
        regulator={!enterpriseSide}
        onClose={() => setCreating(false)}
        onCreated={(h) => {
          setCreating(false);
          list.reload();
          overdueOwn.reload();
          setOpen(h.id);
        }}
      />
    </>
  );
}
