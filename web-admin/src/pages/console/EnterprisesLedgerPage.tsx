import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Modal, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { EnterpriseView } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { EmptyState, ErrorState } from '../../components/states';
import { EnumTag } from '../../components/tags';
import { useDownload } from '../../hooks/useDownload';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { usePaged } from '../../hooks/usePaged';
import { enterpriseStatusValues } from '../../api/schema';

export default function EnterprisesLedgerPage() {
  const { t } = useTranslation();
  const list = usePaged<EnterpriseView>('/api/enterprises');
  const { busy, download } = useDownload();
  const { filters, setFilters } = list;
  const [q, setQ] = useState('');
  const [changing, setChanging] = useState<EnterpriseView | null>(null);

  return (
    <div data-testid="enterprises-page">
      <PageHeader
        title={t('enterprises.title')}
        extra={
          <Button
            icon={<DownloadOutlined />}
            loading={busy}
            onClick={() => download('/api/ledgers/enterprises/export.xlsx', 'enterprises.xlsx', filters)}
            data-testid="export"
          >
            {t('common.export')}
          </Button>
        }
      />
      <Card size="small">
        <div className="toolbar">
          <Input.Search
            allowClear
            placeholder={t('enterprises.searchPlaceholder')}
            style={{ width: 220 }}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={(v) => setFilters({ ...filters, q: v || undefined })}
          />
          <RegionSelect
            value={filters.regionCode as string | undefined}
            onChange={(v) => setFilters({ ...filters, regionCode: v })}
          />
          <Select
            allowClear
            placeholder={t('common.status')}
            style={{ width: 130 }}
            value={filters.status as string | undefined}
            onChange={(v) => setFilters({ ...filters, status: v })}
            options={enterpriseStatusValues.map((s) => ({ value: s, label: t(`enterpriseStatus.${s}`) }))}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<EnterpriseView>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 1000 }}
            locale={{ emptyText: <EmptyState description={t('enterprises.empty')} /> }}
            columns={[
              {
                title: t('enterprises.name'),
                dataIndex: 'name',
                render: (v: string, e) => (
                  <>
                    <div>{v}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {e.address}
                    </Typography.Text>
                  </>
                ),
              },
              { title: t('enterprises.uscc'), dataIndex: 'uscc', width: 190 },
              { title: t('enterprises.industry'), dataIndex: 'industry', width: 120 },
              {
                title: t('enterprises.principal'),
                dataIndex: 'principalName',
                width: 150,
                render: (v: string, e) => `${v} ${e.principalPhoneMasked}`,
              },
              { title: t('enterprises.machineCount'), dataIndex: 'machineCount', width: 80, align: 'right' },
              { title: t('enterprises.welderCount'), dataIndex: 'welderCount', width: 80, align: 'right' },
              {
                title: t('common.status'),
                dataIndex: 'status',
                width: 110,
                render: (v: string, e) => (
                  <>
                    <EnumTag kind="enterpriseStatus" value={v} />
                    {e.statusReason && <div style={{ fontSize: 12 }}>{e.statusReason}</div>}
                  </>
                ),
              },
              {
                title: t('common.actions'),
                key: 'a',
                width: 100,
                render: (_: unknown, e) => (
                  <Button size="small" onClick={() => setChanging(e)}>
                    {t('enterprises.changeStatus')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Card>
      <EnterpriseStatusModal
        enterprise={changing}
        onClose={(changed) => {
          setChanging(null);
          if (changed) list.reload();
        }}
      />
    </div>
  );
}

function EnterpriseStatusModal({
  enterprise,
  onClose,
}: {
  enterprise: EnterpriseView | null;
  onClose: (changed: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ status: string; reason?: string }>();
  const status = Form.useWatch('status', form);
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch(`/api/enterprises/${enterprise!.id}/status`, {
        method: 'POST',
        body: { status: v.status, ...(v.reason ? { reason: v.reason } : {}) },
      }),
    () => onClose(true),
  );
  return (
    <Modal
      open={!!enterprise}
      title={`${t('enterprises.changeStatus')} · ${enterprise?.name ?? ''}`}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ status: enterprise?.status }} preserve={false}>
        <Form.Item name="status" label={t('common.status')} rules={[{ required: true }]}>
          <Select options={enterpriseStatusValues.map((s) => ({ value: s, label: t(`enterpriseStatus.${s}`) }))} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('common.reason')}
          rules={
            status && status !== 'active'
              ? [{ required: true, whitespace: true, message: t('enterprises.reasonRequired') }]
              : []
          }
        >
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
