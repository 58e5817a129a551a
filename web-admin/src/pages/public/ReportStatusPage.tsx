import { GiftOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Result, Space, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { useApi } from '../../hooks/useApi';
import { PublicLayout } from './PublicLayout';
import type { PublicReportStatus, PublicRewardStatus, ReportStatus } from './publicApi';

const STEP_OF: Record<ReportStatus, number> = { received: 0, verifying: 1, verified: 2, rejected: 2, closed: 3 };

/** /report/status?code=…: the reporter follows a report with the tracking code. */
export default function ReportStatusPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const code = params.get('code')?.trim() ?? '';
  const [typed, setTyped] = useState(code);
  const { data, error, loading, reload } = useApi<PublicReportStatus>(
    code ? `/api/public/reports/${encodeURIComponent(code)}` : null,
    { anonymous: true },
  );
  // The reward of a confirmed report (查实即奖): state, amount and paid date only.
  const { data: reward } = useApi<PublicRewardStatus>(
    code && data?.rewardEligible ? `/api/public/reports/${encodeURIComponent(code)}/reward` : null,
    { anonymous: true },
  );
  const when = (iso: string) => new Date(iso).toLocaleString(i18n.language);
  const day = (iso: string) => new Date(iso).toLocaleDateString(i18n.language);

  return (
    <PublicLayout>
      <Card title={t('public.status.title')}>
        <Form layout="vertical" onFinish={() => setParams(typed.trim() ? { code: typed.trim() } : {})}>
          <Form.Item label={t('public.status.codeLabel')}>
            <Space.Compact style={{ width: '100%' }}>
              <Input
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                placeholder="ABCDE-FGHJK"
                className="m-code"
                maxLength={20}
                data-testid="status-code"
              />
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="status-submit">
                {t('public.status.lookUp')}
              </Button>
            </Space.Compact>
          </Form.Item>
        </Form>
        {!code && <Typography.Text type="secondary">{t('public.status.hint')}</Typography.Text>}
        {code && loading && <Alert type="info" message={t('public.status.loading')} />}
        {code &&
          !loading &&
          error != null &&
          (error instanceof ApiError && error.status === 404 ? (
            <Result
              status="404"
              title={t('public.status.notFound')}
              subTitle={t('public.status.notFoundText')}
              data-testid="status-not-found"
            />
          ) : error instanceof ApiError && error.status === 400 ? (
            <Alert type="warning" showIcon message={t('public.status.malformed')} data-testid="status-malformed" />
          ) : (
            <Result
              status="error"
              title={t('common.loadFailed')}
              subTitle={
                error instanceof ApiError && error.code === 'TOO_MANY_REQUESTS'
                  ? t('public.tooMany')
                  : t('public.networkError')
              }
              extra={<Button onClick={reload}>{t('common.retry')}</Button>}
            />
          ))}
        {code && !loading && data && (
          <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="status-result">
            <Typography.Text className="m-code">
              {t('public.status.codeLabel')}: <strong>{data.displayCode}</strong>
            </Typography.Text>
            <Steps
              direction="vertical"
              size="small"
              current={STEP_OF[data.status]}
              status={data.status === 'rejected' ? 'error' : data.status === 'closed' ? 'finish' : 'process'}
              items={[
                { title: t('public.status.received'), description: when(data.submittedAt) },
                { title: t('public.status.verifying') },
                { title: data.status === 'rejected' ? t('public.status.rejected') : t('public.status.verified') },
                {
                  title: t('public.status.closed'),
                  description: data.status === 'closed' ? when(data.updatedAt) : undefined,
                },
              ]}
            />
            <Typography.Text data-testid="status-current">
              {t('public.status.current')}: <strong>{t(`public.reportStatus.${data.status}`)}</strong> ·{' '}
              {t('public.status.updated', { time: when(data.updatedAt) })}
            </Typography.Text>
            {data.rewardEligible && (
              <Alert
                type="success"
                showIcon
                icon={<GiftOutlined />}
                message={t('public.status.reward')}
                description={
                  reward?.state ? (
                    <span data-testid="status-reward">
                      {t(`public.rewardState.${reward.state}`, {
                        amount: reward.amountYuan?.toLocaleString(i18n.language),
                        date: reward.paidAt ? day(reward.paidAt) : '',
                      })}
                    </span>
                  ) : undefined
                }
              />
            )}
          </Space>
        )}
      </Card>
    </PublicLayout>
  );
}
