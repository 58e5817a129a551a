import { Alert, Button, Card, Descriptions, Result, Skeleton, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { apiBlob } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorState } from '../../components/states';
import { WelderPhoto } from '../../components/welders/WelderPhoto';
import { useApi } from '../../hooks/useApi';
import type { WelderDetail } from './welderApi';

const GOOD_STATES = new Set(['valid', 'expiring_90d']);

/** /w: my badge code (我的焊工码) to show at a machine or to an inspector. */
export default function BadgePage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const welderId = user?.welderId ?? null;
  const welder = useApi<WelderDetail>(welderId ? `/api/welders/${welderId}` : null);
  const [qr, setQr] = useState<{ url: string } | { error: unknown } | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!welderId) return;
    let url: string | null = null;
    let live = true;
    setQr(null);
    apiBlob(`/api/codes/welders/${welderId}/qr.png`, { query: { size: 600 } })
      .then(({ blob }) => {
        url = URL.createObjectURL(blob);
        if (live) setQr({ url });
      })
      .catch((error: unknown) => live && setQr({ error }));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [welderId, tick]);

  if (!welderId) return <Result status="warning" title={t('welder.notLinked')} subTitle={t('welder.notLinkedText')} />;

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card title={t('welder.badge.title')} data-testid="welder-badge">
        <WelderPhoto path={`/api/welders/${welderId}/photo/image`} />
        {qr === null && <Skeleton.Image active style={{ width: 240, height: 240 }} />}
        {qr && 'url' in qr && (
          <img className="m-badge-qr" src={qr.url} alt={t('welder.badge.qrAlt')} data-testid="badge-qr" />
        )}
        {qr && 'error' in qr && <ErrorState error={qr.error} onRetry={() => setTick((x) => x + 1)} />}
        {welder.data?.code && (
          <Typography.Paragraph
            className="m-code"
            style={{ textAlign: 'center', marginTop: 12 }}
            copyable
            data-testid="badge-code"
          >
            {welder.data.code.code}
          </Typography.Paragraph>
        )}
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('welder.badge.hint')}
        </Typography.Paragraph>
      </Card>
      {welder.loading && (
        <Card>
          <Skeleton active />
        </Card>
      )}
      {welder.error != null && <ErrorState error={welder.error} onRetry={welder.reload} />}
      {welder.data && (
        <Card size="small">
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('welder.badge.name')}>{welder.data.realName}</Descriptions.Item>
            <Descriptions.Item label={t('welder.badge.employer')}>{welder.data.employerName}</Descriptions.Item>
            <Descriptions.Item label={t('welder.badge.certificate')}>
              <Tag
                color={GOOD_STATES.has(welder.data.certificateState) ? 'green' : 'red'}
                data-testid="badge-cert-state"
              >
                {t(`certState.${welder.data.certificateState}`)}
              </Tag>
            </Descriptions.Item>
          </Descriptions>
          {!GOOD_STATES.has(welder.data.certificateState) && (
            <Alert type="error" showIcon message={t('welder.badge.noValidCertificate')} />
          )}
          <Link to="/w/start">
            <Button type="primary" block size="large" style={{ marginTop: 12 }} data-testid="badge-start">
              {t('welder.badge.startButton')}
            </Button>
          </Link>
        </Card>
      )}
    </Space>
  );
}
