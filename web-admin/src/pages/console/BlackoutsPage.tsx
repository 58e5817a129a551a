import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Form, Input, Modal, Select, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { BlackoutView } from '../../api/types';
import { fmtTime, pickedChinaIso } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { EmptyState, ErrorState } from '../../components/states';
import { EnumTag } from '../../components/tags';
import { useErrorReporter } from '../../hooks/useApi';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useRegionNames } from '../../hooks/useRegionNames';
import { usePaged } from '../../hooks/usePaged';
import { blackoutEffectValues, blackoutKindValues, blackoutStatusValues } from '../../api/schema';

function DeclareModal({ open, onClose }: { open: boolean; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{
    regionCode: string;
    kind: string;
    effect: string;
    range: [Dayjs, Dayjs];
    reason: string;
  }>();
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch('/api/blackouts', {
        method: 'POST',
        body: {
          regionCode: v.regionCode,
          kind: v.kind,
          effect: v.effect,
          startsAt: pickedChinaIso(v.range[0]),
          endsAt: pickedChinaIso(v.range[1]),
          reason: v.reason,
        },
      }),
    () => onClose(true),
  );
  return (
    <Modal
      open={open}
      title={t('blackouts.declare')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ kind: 'special_period', effect: 'ban' }}>
        <Form.Item name="regionCode" label={t('blackouts.region')} rules={[{ required: true }]}>
          <RegionSelect style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="kind" label={t('blackouts.kind')} rules={[{ required: true }]}>
          <Select options={blackoutKindValues.map((k) => ({ value: k, label: t(`blackoutKind.${k}`) }))} />
        </Form.Item>
        <Form.Item
          name="effect"
          label={t('blackouts.effect')}
          rules={[{ required: true }]}
          extra={t('blackouts.effectHint')}
        >
          <Select
            options={blackoutEffectValues.map((k) => ({ value: k, label: t(`blackoutEffect.${k}`) }))}
            data-testid="blackout-effect"
          />
        </Form.Item>
        <Form.Item
          name="range"
          label={`${t('blackouts.startsAt')} – ${t('blackouts.endsAt')}`}
          rules={[{ required: true }]}
        >
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="reason" label={t('blackouts.reason')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea rows={2} maxLength={500} placeholder={t('blackouts.reasonExample')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function BlackoutsPage() {
  const { t } = useTranslation();
  const regionNames = useRegionNames();
  const { message, modal } = App.useApp();
  const report = useErrorReporter();
  const list = usePaged<BlackoutView>('/api/blackouts');
  const { filters, setFilters } = list;
  const [declaring, setDeclaring] = useState(false);

  const cancel = (b: BlackoutView) => {
    let reason = '';
    modal.confirm({
      title: `${t('blackouts.cancelBlackout')} · ${b.reason}`,
      content: (
        <Input.TextArea
          rows={2}
          placeholder={t('blackouts.cancelReason')}
          onChange={(e) => {
            reason = e.target.value;
          }}
        />
      ),
      onOk: async () => {
        try {
          await apiFetch(`/api/blackouts/${b.id}/cancel`, { method: 'POST', body: { reason } });
          void message.success(t('common.done'));
          list.reload();
        } catch (e) {
          report(e);
          throw e;
        }
      },
    });
  };

  return (
    <div data-testid="blackouts-page">
      <PageHeader
        title={t('blackouts.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDeclaring(true)}>
            {t('blackouts.declare')}
          </Button>
        }
      />
      <Card size="small">
        <div className="toolbar">
          <Select
            allowClear
            placeholder={t('common.status')}
            style={{ width: 130 }}
            value={filters.status as string | undefined}
            onChange={(v) => setFilters({ ...filters, status: v })}
            options={blackoutStatusValues.map((s) => ({ value: s, label: t(`blackoutStatus.${s}`) }))}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<BlackoutView>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 800 }}
            locale={{ emptyText: <EmptyState description={t('blackouts.empty')} /> }}
            columns={[
              {
                title: t('blackouts.region'),
                dataIndex: 'regionPath',
                width: 160,
                render: (v: string) => regionNames.path(v),
              },
              {
                title: t('blackouts.kind'),
                dataIndex: 'kind',
                width: 110,
                render: (v: string) => t(`blackoutKind.${v}`),
              },
              {
                title: t('blackouts.effect'),
                dataIndex: 'effect',
                width: 120,
                render: (v: string) => t(`blackoutEffect.${v}`),
              },
              { title: t('blackouts.startsAt'), dataIndex: 'startsAt', width: 140, render: (v: string) => fmtTime(v) },
              { title: t('blackouts.endsAt'), dataIndex: 'endsAt', width: 140, render: (v: string) => fmtTime(v) },
              { title: t('blackouts.reason'), dataIndex: 'reason' },
              {
                title: t('common.status'),
                dataIndex: 'status',
                width: 100,
                render: (v: string) => <EnumTag kind="blackoutStatus" value={v} />,
              },
              {
                title: t('common.actions'),
                key: 'a',
                width: 90,
                render: (_: unknown, b) =>
                  b.status === 'scheduled' || b.status === 'active' ? (
                    <Button size="small" danger onClick={() => cancel(b)}>
                      {t('blackouts.cancelBlackout')}
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </Card>
      <DeclareModal
        open={declaring}
        onClose={(s) => {
          setDeclaring(false);
          if (s) {
            void message.success(t('blackouts.declared'));
            list.reload();
          }
        }}
      />
    </div>
  );
}
