import { Card, List, Progress, Skeleton, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { EmptyState, ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import type { WelderCertificate, WelderDetail } from './welderApi';

const SIX_YEARS_DAYS = 6 * 365;

function colourOf(c: WelderCertificate): string {
  if (c.validity !== 'valid') return 'red';
  return c.daysToExpiry <= 90 ? 'orange' : 'green';
}

/** /w/certificates: my special-operation certificates (特种作业操作证), expiry and review dates. */
export default function CertificatesPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { data, error, loading, reload } = useApi<WelderDetail>(
    user?.welderId ? `/api/welders/${user.welderId}` : null,
  );

  if (loading)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 6 }} />
      </Card>
    );
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return null;
  if (!data.certificates.length) {
    return (
      <Card data-testid="certificates-empty">
        <EmptyState description={t('welder.certificates.empty')} />
      </Card>
    );
  }
  return (
    <Card title={t('welder.certificates.title')} data-testid="welder-certificates">
      <List
        dataSource={data.certificates}
        renderItem={(c) => {
          const left = Math.max(0, Math.min(100, Math.round((c.daysToExpiry / SIX_YEARS_DAYS) * 100)));
          return (
            <List.Item key={c.id}>
              <Space direction="vertical" size={4} style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text strong>
                    {t(`subOperation.${c.subOperation}`, { defaultValue: c.subOperation })}
                  </Typography.Text>
                  <Tag color={colourOf(c)} data-testid="certificate-validity">
                    {t(`certState.${c.validity}`, { defaultValue: c.validity })}
                  </Tag>
                </Space>
                <Typography.Text type="secondary" className="m-code">
                  {c.certificateNumberMasked}
                </Typography.Text>
                <Typography.Text>
                  {t('welder.certificates.expires', { date: c.expiresOn })}
                  {c.validity === 'valid' && <> · {t('welder.certificates.daysLeft', { count: c.daysToExpiry })}</>}
                </Typography.Text>
                <Progress
                  percent={left}
                  showInfo={false}
                  size="small"
                  strokeColor={colourOf(c) === 'green' ? '#52c41a' : colourOf(c) === 'orange' ? '#fa8c16' : '#f5222d'}
                />
                <Typography.Text type="secondary">
                  {t('welder.certificates.review', { date: c.reviewDueOn })}
                  {c.lastReviewedOn && <> · {t('welder.certificates.lastReview', { date: c.lastReviewedOn })}</>}
                </Typography.Text>
                {c.issuingAuthority && <Typography.Text type="secondary">{c.issuingAuthority}</Typography.Text>}
              </Space>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
