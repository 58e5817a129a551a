import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { apiFetch } from '../../api/client';
import { useSession } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { usePaged } from '../../hooks/usePaged';
import { HAZARD_CATEGORIES, HAZARD_LEVELS, type HazardCategory, type HazardLevel } from '../hazards/hazardsApi';
import { RewardDrawer } from './RewardDrawer';
import { REWARD_STATE_COLOUR, REWARD_STATES, setsRewardTable, type RewardRule, type RewardView } from './rewardsApi';

/** The county's reward table (查实即奖): an amount per hazard category and level; county regulators edit it. */
function RulesTable() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const { user } = useSession();
  const editable = user?.role === 'regulator' && setsRewardTable(user.regionCode);
  const rules = useApi<RewardRule[]>(user?.role === 'regulator' ? '/api/rewards/rules' : null);
  const [draft, setDraft] = useState<Record<string, number | null>>({});
  const [saving, setSaving] = useState<string | null>(null);
  const key = (c: string, l: string) => `${c}:${l}`;
  const current = new Map((rules.data ?? []).map((r) => [key(r.category, r.level), r]));

  const save = async (category: HazardCategory, level: HazardLevel) => {
    const k = key(category, level);
    const amountYuan = draft[k];
    if (!amountYuan) return;
    setSaving(k);
    try {
      await apiFetch('/api/rewards/rules', { method: 'PUT', body: { category, level, amountYuan } });
      void message.success(t('common.saved'));
      setDraft((d) => ({ ...d, [k]: null }));
      rules.reload();
    } catch (e) {
      report(e);
    } finally {
      setSaving(null);
    }
  };

  if (user?.role !== 'regulator')
    return <Typography.Text type="secondary">{t('rewards.rulesRegulatorOnly')}</Typography.Text>;
  if (rules.error != null) return <ErrorState error={rules.error} onRetry={rules.reload} />;
  return (
    <>
      <Typography.Paragraph type="secondary">
        {editable ? t('rewards.rulesIntro') : t('rewards.rulesReadOnly')}
      </Typography.Paragraph>
      <Table
        rowKey={(c) => c}
        size="small"
        loading={rules.loading}
        pagination={false}
        dataSource={[...HAZARD_CATEGORIES]}
        data-testid="reward-rules"
        columns={[
          { title: t('hazards.category'), render: (_: unknown, c) => t(`hazardCategory.${c}`) },
          ...HAZARD_LEVELS.map((level) => ({
            title: t('rewards.amountFor', { level: t(`hazardLevel.${level}`) }),
            width: 260,
            render: (_: unknown, category: HazardCategory) => {
              const k = key(category, level);
              const rule = current.get(k);
              const shown = rule ? t('rewards.yuan', { amount: rule.amountYuan.toLocaleString(i18n.language) }) : '—';
              if (!editable) return shown;
              return (
                <Space size={4}>
                  <InputNumber
                    min={1}
                    max={1_000_000}
                    precision={2}
                    size="small"
                    style={{ width: 120 }}
                    placeholder={rule ? String(rule.amountYuan) : t('rewards.noAmount')}
                    value={draft[k] ?? null}
                    onChange={(v) => setDraft((d) => ({ ...d, [k]: v }))}
                    data-testid={`reward-rule-${category}-${level}`}
                  />
                  <Button
                    size="small"
                    disabled={!draft[k]}
                    loading={saving === k}
                    onClick={() => void save(category, level)}
                    data-testid={`reward-rule-save-${category}-${level}`}
                  >
                    {t('common.save')}
                  </Button>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {shown}
                  </Typography.Text>
                </Space>
              );
            },
          })),
        ]}
      />
    </>
  );
}

/** 查实即奖、网上奖励: rewards of confirmed reports in the region, and the county's table. */
export default function RewardsPage() {
  const { t, i18n } = useTranslation();
  const list = usePaged<RewardView>('/api/rewards');
  const [params, setParams] = useSearchParams();
  const open = params.get('open');
  const setOpen = (id: string | null) => setParams(id ? { open: id } : {}, { replace: true });
  const [tab, setTab] = useState('list');
  const f = list.filters;

  return (
    <div data-testid="rewards-page">
      <PageHeader
        title={t('rewards.title')}
        subtitle={t('rewards.subtitle')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'list',
              label: t('rewards.tabList'),
              children: (
                <>
                  <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginBottom: 16 }}>
                    <Select
                      allowClear
                      style={{ width: 160 }}
                      placeholder={t('rewards.state')}
                      value={f.state as string | undefined}
                      data-testid="rewards-state-filter"
                      onChange={(v: string | undefined) => list.setFilters({ ...f, state: v })}
                      options={REWARD_STATES.map((s) => ({ value: s, label: t(`rewardState.${s}`) }))}
                    />
                  </div>
                  {list.error != null ? (
                    <ErrorState error={list.error} onRetry={list.reload} />
                  ) : (
                    <Table<RewardView>
                      rowKey="id"
                      size="middle"
                      loading={list.loading}
                      dataSource={list.items}
                      pagination={list.pagination}
                      scroll={{ x: 900 }}
                      data-testid="rewards-table"
                      locale={{ emptyText: <EmptyState description={t('rewards.empty')} /> }}
                      onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
                      columns={[
                        {
                          title: t('rewards.state'),
                          dataIndex: 'state',
                          width: 100,
                          render: (_: unknown, r) => (
                            <Tag color={REWARD_STATE_COLOUR[r.state]}>{t(`rewardState.${r.state}`)}</Tag>
                          ),
                        },
                        { title: t('rewards.report'), dataIndex: 'reportTrackingCode', width: 130 },
                        {
                          title: t('rewards.hazard'),
                          render: (_: unknown, r) =>
                            `${t(`hazardCategory.${r.category}`)} · ${t(`hazardLevel.${r.level}`)}`,
                        },
                        {
                          title: t('rewards.amount'),
                          dataIndex: 'amountYuan',
                          width: 120,
                          align: 'right',
                          render: (v: number) => t('rewards.yuan', { amount: v.toLocaleString(i18n.language) }),
                        },
                        {
                          title: t('rewards.proposed'),
                          width: 230,
                          render: (_: unknown, r) => `${r.proposedByName} · ${fmtTime(r.proposedAt)}`,
                        },
                        {
                          title: t('rewards.approved'),
                          width: 230,
                          render: (_: unknown, r) =>
                            r.approvedAt ? `${r.approvedByName} · ${fmtTime(r.approvedAt)}` : '—',
                        },
                        {
                          title: t('rewards.paid'),
                          dataIndex: 'paidAt',
                          width: 150,
                          render: (v: string | null) => (v ? fmtTime(v) : '—'),
                        },
                      ]}
                    />
                  )}
                </>
              ),
            },
            {
              key: 'rules',
              label: <span data-testid="rewards-tab-rules">{t('rewards.tabRules')}</span>,
              children: <RulesTable />,
            },
          ]}
        />
      </Card>
      <RewardDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />
    </div>
  );
}
