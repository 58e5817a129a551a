import { App, Button, Card, Input, Modal, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiBlob, apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { useSession } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { useErrorReporter } from '../../hooks/useApi';
import { usePaged } from '../../hooks/usePaged';

type PhotoView = components['schemas']['WelderPhotoView'];

/** A portrait under review, fetched with the session's token (the bytes have no public address). */
function PendingImage({ photoId }: { photoId: string }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let made: string | null = null;
    let live = true;
    apiBlob(`/api/welder-photos/${photoId}/image`)
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
  }, [photoId]);
  return url ? (
    <img
      src={url}
      alt={t('welderPhoto.alt')}
      data-testid="review-photo"
      style={{ width: 96, height: 128, objectFit: 'cover', borderRadius: 6 }}
    />
  ) : (
    <div style={{ width: 96, height: 128, background: '#fafafa', borderRadius: 6 }} />
  );
}

/**
 * 焊工照片审核: portraits employers uploaded in the regulator's area, oldest first. Approved ones appear
 * on the welder's badge and (where the deployment allows) the public scan.
 */
export default function WelderPhotoReviewPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const { user } = useSession();
  const canDecide = user?.role === 'regulator' || user?.role === 'platform_admin';
  const list = usePaged<PhotoView>('/api/welder-photos', { status: 'pending' });
  const [rejecting, setRejecting] = useState<PhotoView | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const decide = async (p: PhotoView, decision: 'approve' | 'reject', why?: string) => {
    setBusy(true);
    try {
      await apiFetch(`/api/welder-photos/${p.id}/review`, {
        method: 'POST',
        body: decision === 'approve' ? { decision } : { decision, reason: why },
      });
      void message.success(decision === 'approve' ? t('welderPhoto.approved') : t('welderPhoto.rejectedDone'));
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
    <div data-testid="welder-photo-review">
      <PageHeader title={t('welderPhoto.reviewTitle')} subtitle={t('welderPhoto.reviewSubtitle')} />
      <Card>
        {list.error ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<PhotoView>
            rowKey="id"
            loading={list.loading}
            dataSource={list.data?.items ?? []}
            pagination={list.pagination}
            scroll={{ x: true }}
            locale={{ emptyText: list.loading ? ' ' : <EmptyState description={t('welderPhoto.queueEmpty')} /> }}
            columns={[
              { title: t('welderPhoto.photo'), key: 'photo', render: (_, p) => <PendingImage photoId={p.id} /> },
              {
                title: t('welderPhoto.welder'),
                key: 'welder',
                render: (_, p) => (
                  <Space direction="vertical" size={0}>
                    <Typography.Text strong data-testid="review-welder">
                      {p.welderName}
                    </Typography.Text>
                    <Typography.Text type="secondary">{p.employerName}</Typography.Text>
                  </Space>
                ),
              },
              { title: t('welderPhoto.uploadedAt'), key: 'at', render: (_, p) => fmtTime(p.uploadedAt) },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_, p) =>
                  canDecide && (
                    <Space wrap>
                      <Button
                        type="primary"
                        size="small"
                        loading={busy}
                        onClick={() => void decide(p, 'approve')}
                        data-testid="review-approve"
                      >
                        {t('welderPhoto.approve')}
                      </Button>
                      <Button size="small" danger onClick={() => setRejecting(p)} data-testid="review-reject">
                        {t('welderPhoto.reject')}
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
        title={t('welderPhoto.rejectTitle', { name: rejecting?.welderName ?? '' })}
        okText={t('welderPhoto.reject')}
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy }}
        onOk={() => rejecting && void decide(rejecting, 'reject', reason.trim())}
        onCancel={() => setRejecting(null)}
        destroyOnHidden
      >
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('welderPhoto.rejectReason')}
          maxLength={500}
          autoSize={{ minRows: 2, maxRows: 4 }}
          data-testid="review-reason"
        />
      </Modal>
    </div>
  );
}
