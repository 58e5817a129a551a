import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { EmptyState, ErrorState } from '../../components/states';
import { usePaged } from '../../hooks/usePaged';
import { CaseDrawer } from './CaseDrawer';
import { CASE_DECISION_KINDS, CASE_STATE_COLOUR, CASE_STATES, decisionKinds, money, type CaseView } from './casesApi';

/** 立案与处罚: the cases of the regulator's region, filtered by state, township, decision and month. */
export default function CasesPage() {
  const { t, i18n } = useTranslation();
  const list = usePaged<CaseView>('/api/cases');
  // ?open=<id>: the link from a hazard, a machine or a new case.
  const [params, setParams] = useSearchParams();
  const open = params.get('open');
  const setOpen = (id: string | null) => setParams(id ? { open: id } : {}, { replace: true });
  const f = list.filters;
  const set = (k: string, v: string | undefined) => list.setFilters({ ...f, [k]: v });
  const [month, setMonth] = useState<Dayjs | null>(null);

  return (
    <div data-testid="cases-page">
      <PageHeader
        title={t('cases.title')}
        subtitle={t('cases.subtitle')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <Typography.Paragraph type="secondary">{t('cases.intro')}</Typography.Paragraph>
        <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginBottom: 16 }}>
          <Select
            allowClear
            style={{ width: 130 }}
            placeholder={t('cases.state')}
            value={f.state as string | undefined}
            data-testid="cases-state-filter"
            onChange={(v: string | undefined) => set('state', v)}
            options={CASE_STATES.map((s) => ({ value: s, label: t(`caseState.${s}`) }))}
          />
          <RegionSelect
            value={f.regionCode as string | undefined}
            onChange={(v) => set('regionCode', v)}
            levels={['township']}
            style={{ width: 160 }}
          />
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('cases.decision')}
            value={f.decision as string | undefined}
            data-testid="cases-decision-filter"
            onChange={(v: string | undefined) => set('decision', v)}
            options={CASE_DECISION_KINDS.map((k) => ({ value: k, label: t(`caseDecision.${k}`) }))}
          />
          <DatePicker
            picker="month"
            placeholder={t('cases.month')}
            value={month}
            data-testid="cases-month-filter"
            onChange={(d) => {
              setMonth(d);
              set('month', d ? d.format('YYYY-MM') : undefined);
            }}
          />
        </div>
        {list.error != null ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<CaseView>
            rowKey="id"
            size="middle"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 1000 }}
            data-testid="cases-table"
            locale={{ emptyText: <EmptyState description={t('cases.empty')} /> }}
            onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
            columns={[
              {
                title: t('cases.state'),
                dataIndex: 'state',
                width: 90,
                render: (_: unknown, r) => <Tag color={CASE_STATE_COLOUR[r.state]}>{t(`caseState.${r.state}`)}</Tag>,
              },
              { title: t('cases.enterprise'), dataIndex: 'enterpriseName', width: 220, ellipsis: true },
              {
                title: t('cases.region'),
                dataIndex: 'regionName',
                width: 110,
                render: (v: string | null) => v ?? '—',
              },
              {
                title: t('cases.decision'),
                render: (_: unknown, r) =>
                  decisionKinds(r).map((k) => (
                    <Tag key={k} color={k === 'warning' ? 'default' : 'volcano'}>
                      {k === 'fine' && r.fineYuan !== null
                        ? t('cases.fineTag', { amount: money(r.fineYuan, i18n.language) })
                        : k === 'machine_suspension'
                          ? t('cases.suspensionTag', { count: r.suspendedMachines.length })
                          : t(`caseDecision.${k}`)}
                    </Tag>
                  )),
              },
              {
                title: t('cases.source'),
                dataIndex: 'sourceType',
                width: 110,
                render: (v: string) => t(`caseSource.${v}`),
              },
              { title: t('cases.legalBasis'), dataIndex: 'legalBasis', width: 240, ellipsis: true },
              { title: t('cases.openedAt'), dataIndex: 'openedAt', width: 150, render: (v: string) => fmtTime(v) },
            ]}
          />
        )}
      </Card>
      <CaseDrawer id={open} onClose={() => setOpen(null)} onChanged={list.reload} />
    </div>
  );
}
