import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiFetch } from '../../api/client';
import { ShownError } from '../../i18n/errors';
import type { VerificationQueueItem } from '../../api/types';
import { useSession } from '../../auth/session';
import { fmtDate, fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { EnumTag } from '../../components/tags';
import { CertificatePhotoButton } from '../../components/welders/CertificatePhoto';
import { useErrorReporter } from '../../hooks/useApi';
import { usePaged } from '../../hooks/usePaged';
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

/** Field codes the verification endpoint may answer with, said in the user's language. */
const VERIFY_FIELD_TEXT: Record<string, string> = {
  outsideRegion: 'certVerification.outsideRegion',
  unchanged: 'certVerification.unchanged',
};

/**
 * The regulator's queue of certificate records entered by enterprises: until a regulator of the
 * employer's area verifies one, it unlocks no work (server/src/welders/certificate-verification.service.ts).
 */
export default function CertificateVerificationPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const { user } = useSession();
  const canDecide = user?.role === 'regulator';
  const list = usePaged<VerificationQueueItem>('/api/certificates/verification-queue', { verification: 'unverified' });
  const { filters, setFilters } = list;
  const connected = (list.data as { officialSourceConnected?: boolean } | null)?.officialSourceConnected === true;
  const [rejecting, setRejecting] = useState<VerificationQueueItem | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);

  const decide = async (c: VerificationQueueItem, decision: 'verified' | 'rejected', reason?: string) => {
    setBusy(true);
    try {
      await apiFetch(`/api/certificates/${c.id}/verification`, {
        method: 'POST',
        body: { decision, ...(reason ? { reason } : {}) },
      });
      void message.success(t(decision === 'verified' ? 'certVerification.verified' : 'certVerification.rejected'));
      setRejecting(null);
      list.reload();
    } catch (e) {
      const known = e instanceof ApiError ? e.fields.map((f) => VERIFY_FIELD_TEXT[f.code]).find(Boolean) : undefined;
      report(known ? new ShownError(t(known)) : e);
    } finally {
      setBusy(false);
    }
  };

  const submitReject = async () => {
    const v = await form.validateFields().catch(() => null);
    if (v && rejecting) await decide(rejecting, 'rejected', v.reason.trim());
  };

  return (
    <div data-testid="certificate-verification-page">
      <PageHeader title={t('certVerification.title')} subtitle={t('certVerification.intro')} />
      <Alert
        type={connected ? 'success' : 'info'}
        showIcon
        message={t(connected ? 'certVerification.officialConnected' : 'certVerification.officialNotConnected')}
        style={{ marginBottom: 12 }}
      />
      <Card size="small">
        <div className="toolbar">
          <Select
            style={{ width: 150 }}
            value={filters.verification as string}
            onChange={(v) => setFilters({ ...filters, verification: v })}
            data-testid="filter-verification"
            options={(
              ['unverified', 'rejected', 'verified'] as const satisfies readonly Schemas['CertificateVerification'][]
            ).map((s) => ({ value: s, label: t(`verification.${s}`) }))}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<VerificationQueueItem>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 1100 }}
            locale={{ emptyText: <EmptyState description={t('certVerification.empty')} /> }}
            columns={[
              {
                title: t('certVerification.welder'),
                key: 'w',
                render: (_: unknown, c) => (
                  <>
                    {c.welderName}
                    <div style={{ fontSize: 12 }}>
                      <Typography.Text type="secondary">{c.certificateNumberMasked}</Typography.Text>
                    </div>
                  </>
                ),
              },
              { title: t('certVerification.employer'), dataIndex: 'employerName' },
              {
                title: t('welders.subOperation'),
                dataIndex: 'subOperation',
                render: (v: string) => t(`subOperation.${v}`),
              },
              { title: t('welders.issuedOn'), dataIndex: 'issuedOn', width: 110, render: fmtDate },
              { title: t('welders.expiresOn'), dataIndex: 'expiresOn', width: 110, render: fmtDate },
              {
                title: t('welders.lastReviewedOn'),
                dataIndex: 'lastReviewedOn',
                width: 110,
                render: (v: string | null) => (v ? fmtDate(v) : '—'),
              },
              {
                title: t('welders.issuingAuthority'),
                dataIndex: 'issuingAuthority',
                render: (v: string | null) => v ?? '—',
              },
              {
                title: t('welders.certificatePhoto'),
                key: 'photo',
                width: 110,
                render: (_: unknown, c) =>
                  c.hasPhoto ? (
                    <CertificatePhotoButton certificateId={c.id} />
                  ) : (
                    <Typography.Text type="secondary">{t('certVerification.noPhoto')}</Typography.Text>
                  ),
              },
              {
                title: t('certVerification.source'),
                dataIndex: 'source',
                width: 100,
                render: (v: string) => t(`certSource.${v}`),
              },
              {
                title: t('certVerification.enteredAt'),
                dataIndex: 'createdAt',
                width: 140,
                render: (v: string) => fmtTime(v),
              },
              {
                title: t('certVerification.state'),
                dataIndex: 'verification',
                width: 140,
                render: (v: string, c) => (
                  <>
                    <EnumTag kind="verification" value={v} />
                    {c.verificationSource && (
                      <div style={{ fontSize: 12 }}>{t(`verificationSource.${c.verificationSource}`)}</div>
                    )}
                    {c.verificationNote && <div style={{ fontSize: 12 }}>{c.verificationNote}</div>}
                  </>
                ),
              },
              ...(canDecide
                ? [
                    {
                      title: t('common.actions'),
                      key: 'a',
                      width: 170,
                      render: (_: unknown, c: VerificationQueueItem) => (
                        <Space>
                          {c.verification !== 'verified' && (
                            <Popconfirm
                              title={t('certVerification.confirmVerify')}
                              onConfirm={() => decide(c, 'verified')}
                            >
                              <Button size="small" type="primary" disabled={busy} data-testid="verify-certificate">
                                {t('certVerification.verify')}
                              </Button>
                            </Popconfirm>
                          )}
                          {c.verification !== 'rejected' && (
                            <Button
                              size="small"
                              danger
                              disabled={busy}
                              onClick={() => {
                                form.resetFields();
                                setRejecting(c);
                              }}
                            >
                              {t('certVerification.reject')}
                            </Button>
                          )}
                        </Space>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      <Modal
        open={!!rejecting}
        title={t('certVerification.rejectTitle')}
        onOk={submitReject}
        confirmLoading={busy}
        onCancel={() => setRejecting(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={t('certVerification.rejectReason')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('certVerification.reasonRequired') }]}
          >
            <Input.TextArea rows={3} maxLength={500} placeholder={t('certVerification.reasonExample')} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
