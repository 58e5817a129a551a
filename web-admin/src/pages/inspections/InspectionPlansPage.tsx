import { FilePdfOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { apiFetch } from '../../api/client';
import { useSession } from '../../auth/session';
import { fmtDate, fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { EmptyState, ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { useDownload } from '../../hooks/useDownload';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { usePaged } from '../../hooks/usePaged';
import type { CaseSource } from '../cases/casesApi';
import { OpenCaseModal } from '../cases/OpenCaseModal';
import { publicPlanPath, type InspectionPlan, type InspectionPlanSummary } from './inspectionsApi';

interface PlanForm {
  title: string;
  regionCode: string;
  period: [Dayjs, Dayjs];
  sampleSize: number;
  openAlerts: number;
  daysSinceInspection: number;
  seed?: string;
}

function PlanModal({ open, onClose }: { open: boolean; onClose: (plan: InspectionPlan | null) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PlanForm>();
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch<InspectionPlan>('/api/inspection-plans', {
        method: 'POST',
        body: {
          title: v.title,
          regionCode: v.regionCode,
          periodStart: v.period[0].format('YYYY-MM-DD'),
          periodEnd: v.period[1].format('YYYY-MM-DD'),
          sampleSize: v.sampleSize,
          weights: { openAlerts: v.openAlerts, daysSinceInspection: v.daysSinceInspection },
          seed: v.seed?.trim() || undefined,
        },
      }),
    (plan) => onClose(plan),
  );
  return (
    <Modal
      open={open}
      title={t('inspections.newPlan')}
      okText={t('inspections.draw')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(null)}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ sampleSize: 5, openAlerts: 1, daysSinceInspection: 1 }}
        data-testid="plan-form"
      >
        <Form.Item name="title" label={t('inspections.planTitle')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} placeholder={t('inspections.titleExample')} />
        </Form.Item>
        <Form.Item name="regionCode" label={t('inspections.region')} rules={[{ required: true }]}>
          <RegionSelect style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="period" label={t('inspections.period')} rules={[{ required: true }]}>
          <DatePicker.RangePicker format="YYYY-MM-DD" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="sampleSize"
          label={t('inspections.sampleSize')}
          rules={[{ required: true }]}
          extra={t('inspections.sampleSizeHint')}
        >
          <InputNumber min={1} max={200} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Typography.Paragraph type="secondary">{t('inspections.weightsHint')}</Typography.Paragraph>
        <Form.Item name="openAlerts" label={t('inspections.weightOpenAlerts')} rules={[{ required: true }]}>
          <InputNumber min={0} max={10} step={0.5} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="daysSinceInspection" label={t('inspections.weightDaysSince')} rules={[{ required: true }]}>
          <InputNumber min={0} max={10} step={0.5} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="seed" label={t('inspections.seed')} extra={t('inspections.seedHint')}>
          <Input maxLength={128} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PlanDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const regulator = user?.role === 'regulator';
  const [caseSource, setCaseSource] = useState<CaseSource | null>(null);
  const plan = useApi<InspectionPlan>(id ? `/api/inspection-plans/${id}` : null);
  const { busy: downloading, download } = useDownload();
  const p = plan.data;
  const days = (d: number | null) =>
    d === null ? t('inspections.neverInspected') : t('inspections.days', { count: d });
  return (
    <Drawer open={!!id} onClose={onClose} width={720} title={p?.title ?? t('inspections.plan')} destroyOnHidden>
      {plan.error != null && <ErrorState error={plan.error} onRetry={plan.reload} />}
      {p && (
        <div data-testid="plan-detail">
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('inspections.region')}>{p.regionName}</Descriptions.Item>
            <Descriptions.Item label={t('inspections.kindLabel')}>
              <Tag color={p.kind === 'targeted' ? 'volcano' : 'blue'} data-testid="plan-kind">
                {t(`inspections.kind.${p.kind}`)}
              </Tag>
            </Descriptions.Item>
            {p.reason && <Descriptions.Item label={t('inspections.reason')}>{p.reason}</Descriptions.Item>}
            <Descriptions.Item label={t('inspections.period')}>
              {fmtDate(p.periodStart)} – {fmtDate(p.periodEnd)}
            </Descriptions.Item>
            <Descriptions.Item label={t('inspections.drawnAt')}>{fmtTime(p.drawnAt)}</Descriptions.Item>
            <Descriptions.Item label={t('inspections.seed')}>
              <Typography.Text code copyable data-testid="plan-seed">
                {p.seed}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('inspections.weights')}>
              {t('inspections.weightOpenAlerts')} {p.weights.openAlerts} · {t('inspections.weightDaysSince')}{' '}
              {p.weights.daysSinceInspection}
            </Descriptions.Item>
            {/* 四不两直: a targeted visit is not announced, so it has no public page. */}
            {p.kind === 'random' && (
              <Descriptions.Item label={t('inspections.publicPage')}>
                <Link to={publicPlanPath(p.id)} target="_blank" data-testid="plan-public-link">
                  {t('inspections.openPublic')}
                </Link>
              </Descriptions.Item>
            )}
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('inspections.targets')}
          </Typography.Title>
          <Table
            rowKey="position"
            size="small"
            pagination={false}
            dataSource={p.targets}
            data-testid="plan-targets"
            columns={[
              { title: '#', dataIndex: 'position', width: 50 },
              { title: t('inspections.enterprise'), dataIndex: 'enterpriseName' },
              { title: t('inspections.weight'), dataIndex: 'weight', width: 80 },
              {
                title: t('inspections.inspectors'),
                render: (_: unknown, r) => r.inspectors.map((i) => i.displayName).join('、'),
              },
              {
                title: t('inspections.checkIn'),
                width: 200,
                render: (_: unknown, r) =>
                  r.checkedInAt
                    ? `${fmtTime(r.checkedInAt)} · ${r.checkedInByName ?? ''}`
                    : t('inspections.notCheckedIn'),
              },
              ...(regulator
                ? [
                    {
                      title: t('common.actions'),
                      width: 90,
                      render: (_: unknown, r: InspectionPlan['targets'][number]) => (
                        <Button
                          size="small"
                          data-testid={`plan-target-case-${r.position}`}
                          onClick={() =>
                            setCaseSource({
                              kind: 'inspection',
                              planId: p.id,
                              position: r.position,
                              enterpriseId: r.enterpriseId,
                              enterpriseName: r.enterpriseName,
                            })
                          }
                        >
                          {t('cases.open')}
                        </Button>
                      ),
                    },
                  ]
                : []),
              {
                title: t('inspector.title'),
                width: 140,
                render: (_: unknown, r) => (
                  <Link to={`/i/targets/${p.id}/${r.position}`} data-testid="plan-target-phone">
                    {t('inspector.openPhone')}
                  </Link>
                ),
              },
              {
                title: t('inspections.record'),
                width: 130,
                // 现场检查记录 (PDF): there is one once an inspector has checked in.
                render: (_: unknown, r) =>
                  r.checkedInAt ? (
                    <Button
                      size="small"
                      icon={<FilePdfOutlined />}
                      loading={downloading}
                      data-testid={`plan-target-record-${r.position}`}
                      onClick={() =>
                        void download(
                          `/api/inspection-plans/${p.id}/targets/${r.position}/record.pdf`,
                          'inspection-record.pdf',
                        )
                      }
                    >
                      {t('inspections.recordPdf')}
                    </Button>
                  ) : null,
              },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('inspections.candidates', { count: p.candidates.length })}
          </Typography.Title>
          <Table
            rowKey="enterpriseId"
            size="small"
            pagination={{ pageSize: 20, size: 'small' }}
            dataSource={p.candidates}
            columns={[
              { title: t('inspections.enterprise'), dataIndex: 'enterpriseName' },
              { title: t('inspections.openAlerts'), dataIndex: 'openAlerts', width: 100 },
              {
                title: t('inspections.sinceInspection'),
                dataIndex: 'daysSinceInspection',
                width: 140,
                render: (v: number | null) => days(v),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('inspections.poolNote', { count: p.inspectorPool.length })}
          </Typography.Paragraph>
        </div>
      )}
      <OpenCaseModal source={caseSource} onClose={() => setCaseSource(null)} />
    </Drawer>
  );
}

/** 双随机: plans of the regulator's region, each drawn at once with its seed recorded and published. */
export default function InspectionPlansPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const list = usePaged<InspectionPlanSummary>('/api/inspection-plans');
  const [creating, setCreating] = useState(false);
  // ?open=<id>: the link from a case opened after an inspection, from a document's QR code, from the day's to-do list.
  const [params] = useSearchParams();
  const [openId, setOpenId] = useState<string | null>(params.get('open'));
  return (
    <div data-testid="inspection-plans-page">
      <PageHeader
        title={t('inspections.title')}
        extra={
          user?.role === 'regulator' ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="plan-new">
              {t('inspections.newPlan')}
            </Button>
          ) : null
        }
      />
      <Card size="small">
        <Typography.Paragraph type="secondary">{t('inspections.intro')}</Typography.Paragraph>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<InspectionPlanSummary>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            data-testid="plans-table"
            locale={{ emptyText: <EmptyState description={t('inspections.empty')} /> }}
            onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('inspections.planTitle'), dataIndex: 'title' },
              {
                title: t('inspections.kindLabel'),
                dataIndex: 'kind',
                width: 110,
                render: (k: InspectionPlanSummary['kind']) => (
                  <Tag color={k === 'targeted' ? 'volcano' : 'blue'}>{t(`inspections.kind.${k}`)}</Tag>
                ),
              },
              { title: t('inspections.region'), dataIndex: 'regionName', width: 120 },
              {
                title: t('inspections.period'),
                width: 200,
                render: (_: unknown, r) => `${fmtDate(r.periodStart)} – ${fmtDate(r.periodEnd)}`,
              },
              { title: t('inspections.sampleSize'), dataIndex: 'sampleSize', width: 100 },
              { title: t('inspections.drawnAt'), dataIndex: 'drawnAt', width: 160, render: (v: string) => fmtTime(v) },
            ]}
          />
        )}
      </Card>
      <PlanModal
        open={creating}
        onClose={(plan) => {
          setCreating(false);
          if (plan) {
            list.reload();
            setOpenId(plan.id);
          }
        }}
      />
      <PlanDrawer id={openId} onClose={() => setOpenId(null)} />
    </div>
  );
}
