import { App, Button, Card, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBlob, apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { useErrorReporter } from '../../hooks/useApi';
import { usePaged } from '../../hooks/usePaged';
import { useRegionNames } from '../../hooks/useRegionNames';

type Application = components['schemas']['ApplicationView'];
type Status = components['schemas']['ApplicationStatus'];

/** The licence photo, fetched with the session's token. */
function Licence({ id }: { id: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    apiBlob(`/api/enterprise-registrations/${id}/licence`)
      .then(({ blob }) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [id]);
  if (!url) return <div style={{ width: 80, height: 56, background: '#fafafa', borderRadius: 4 }} />;
  return (
    <>
      <img
        src={url}
        alt={t('registrations.licence')}
        onClick={() => setOpen(true)}
        style={{ width: 80, height: 56, objectFit: 'cover', borderRadius: 4, cursor: 'zoom-in' }}
        data-testid="registrations-licence"
      />
      <Modal open={open} footer={null} onCancel={() => setOpen(false)} width={720}>
        <img src={url} alt={t('registrations.licence')} style={{ width: '100%' }} />
      </Modal>
    </>
  );
}

/** 企业注册审核: self-registrations of the regulator's area; approving creates the enterprise and its admin. */
export default function RegistrationsPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const report = useErrorReporter();
  const regions = useRegionNames();
  const list = usePaged<Application>('/api/enterprise-registrations', { status: 'pending' });
  const [rejecting, setRejecting] = useState<Application | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const decide = async (a: Application, path: 'approve' | 'reject', body?: unknown) => {
    setBusy(true);
    try {
      await apiFetch(`/api/enterprise-registrations/${a.id}/${path}`, { method: 'POST', body });
      void message.success(path === 'approve' ? t('registrations.approved') : t('registrations.rejected'));
      setRejecting(null);
      setReason('');
      list.reload();
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="registrations-page">
      <PageHeader title={t('registrations.title')} subtitle={t('registrations.subtitle')} />
      <Card>
        <Space style={{ marginBottom: 12 }}>
          <Select<Status>
            value={(list.filters.status as Status) ?? 'pending'}
            style={{ width: 140 }}
            onChange={(v) => list.setFilters({ status: v })}
            options={(['pending', 'approved', 'rejected'] as Status[]).map((s) => ({
              value: s,
              label: t(`applicationStatus.${s}`),
            }))}
          />
        </Space>
        {list.error ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<Application>
            rowKey="id"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: true }}
            locale={{ emptyText: list.loading ? ' ' : <EmptyState description={t('registrations.empty')} /> }}
            columns={[
              { title: t('registrations.licence'), key: 'licence', render: (_, a) => <Licence id={a.id} /> },
              {
                title: t('register.name'),
                key: 'name',
                render: (_, a) => (
                  <Space direction="vertical" size={0}>
                    <Typography.Text strong data-testid="registrations-name">
                      {a.name}
                    </Typography.Text>
                    <Typography.Text type="secondary" copyable>
                      {a.uscc}
                    </Typography.Text>
                    <Typography.Text type="secondary">
                      {regions.name(a.regionCode)} · {a.address} · {a.industry}
                    </Typography.Text>
                  </Space>
                ),
              },
              {
                title: t('registrations.contacts'),
                key: 'people',
                render: (_, a) => (
                  <Space direction="vertical" size={0}>
                    <span>
                      {t('register.legalRepresentative')}：{a.legalRepresentative}
                    </span>
                    <span>
                      {t('register.principalName')}：{a.principalName} {a.principalPhoneMasked}
                    </span>
                    <span>
                      {t('register.safetyManagerName')}：{a.safetyManagerName} {a.safetyManagerPhoneMasked}
                    </span>
                  </Space>
                ),
              },
              {
                title: t('registrations.admin'),
                key: 'admin',
                render: (_, a) => (
                  <Space direction="vertical" size={0}>
                    <span translate="no">{a.adminUsername}</span>
                    <Typography.Text type="secondary">{a.adminDisplayName}</Typography.Text>
                  </Space>
                ),
              },
              { title: t('registrations.submittedAt'), key: 'at', render: (_, a) => fmtTime(a.submittedAt) },
              {
                title: t('registrations.status'),
                key: 'status',
                render: (_, a) => (
                  <Space direction="vertical" size={0}>
                    <Tag color={a.status === 'approved' ? 'green' : a.status === 'rejected' ? 'red' : 'blue'}>
                      {t(`applicationStatus.${a.status}`)}
                    </Tag>
                    {a.rejectReason && <Typography.Text type="secondary">{a.rejectReason}</Typography.Text>}
                  </Space>
                ),
              },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_, a) =>
                  a.status === 'pending' && (
                    <Space wrap>
                      <Button
                        type="primary"
                        size="small"
                        loading={busy}
                        data-testid="registrations-approve"
                        onClick={() =>
                          modal.confirm({
                            title: t('registrations.approve'),
                            content: t('registrations.approveConfirm', { name: a.name }),
                            okButtonProps: { 'data-testid': 'registrations-approve-ok' },
                            onOk: () => decide(a, 'approve'),
                          })
                        }
                      >
                        {t('registrations.approve')}
                      </Button>
                      <Button size="small" danger onClick={() => setRejecting(a)} data-testid="registrations-reject">
                        {t('registrations.reject')}
                      </Button>
                    </Space>
                  ),
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={!!rejecting}
        title={t('registrations.rejectTitle', { name: rejecting?.name ?? '' })}
        okText={t('registrations.reject')}
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy }}
        onOk={() => rejecting && void decide(rejecting, 'reject', { reason: reason.trim() })}
        onCancel={() => setRejecting(null)}
        destroyOnHidden
      >
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('registrations.rejectReason')}
          maxLength={500}
          autoSize={{ minRows: 2, maxRows: 4 }}
          data-testid="registrations-reason"
        />
      </Modal>
    </div>
  );
}
