import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { fmtTime } from '../format';
import { WelderPhoto } from './WelderPhoto';

type PhotoState = components['schemas']['WelderPhotoStateView'];

/** The welder's portrait in the welder record: the approved one, the review state of the latest, upload (employer). */
export function WelderPortrait({ welderId, canManage }: { welderId: string; canManage: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const state = useApi<PhotoState>(`/api/welders/${welderId}/photo`);
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);
  const latest = state.data?.latest;
  return (
    <Space align="start" size={16} wrap style={{ margin: '12px 0' }} data-testid="welder-portrait">
      {state.data?.approved ? (
        <WelderPhoto key={`${state.data.approved.id}-${version}`} path={`/api/welders/${welderId}/photo/image`} />
      ) : (
        <Typography.Text type="secondary">{t('welderPhoto.none')}</Typography.Text>
      )}
      <Space direction="vertical" size={8}>
        {latest?.status === 'pending' && (
          <Alert
            type="info"
            showIcon
            message={t('welderPhoto.pending', { at: fmtTime(latest.uploadedAt) })}
            data-testid="welder-photo-pending"
          />
        )}
        {latest?.status === 'rejected' && (
          <Alert
            type="warning"
            showIcon
            message={t('welderPhoto.rejected', { reason: latest.reviewReason ?? '' })}
            data-testid="welder-photo-rejected"
          />
        )}
        {canManage && (
          <Upload
            accept="image/jpeg,image/png"
            showUploadList={false}
            customRequest={async ({ file }) => {
              setBusy(true);
              try {
                const body = new FormData();
                body.append('file', file as Blob);
                await apiFetch(`/api/welders/${welderId}/photo`, { method: 'POST', body });
                void message.success(t('welderPhoto.uploaded'));
                state.reload();
                setVersion((v) => v + 1);
              } catch (e) {
                report(e);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Button icon={<UploadOutlined />} loading={busy} data-testid="welder-photo-upload">
              {t('welderPhoto.upload')}
            </Button>
          </Upload>
        )}
        {canManage && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('welderPhoto.uploadHint')}
          </Typography.Text>
        )}
      </Space>
    </Space>
  );
}
