import {
  AlertOutlined,
  CheckCircleFilled,
  CloseCircleFilled,
  ExclamationCircleFilled,
  QuestionCircleFilled,
  StopFilled,
} from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Result, Skeleton, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { WelderPhoto } from '../../components/welders/WelderPhoto';
import { useApi } from '../../hooks/useApi';
import { parseScannedCode } from './codes';
import { PublicLayout } from './PublicLayout';
import { scanPath, type PublicMachineScan, type PublicScan, type PublicWelderScan } from './publicApi';

/** /q/:code: what anyone learns by scanning a machine's or welder's QR label. */
export default function ScanPage() {
  const { t } = useTranslation();
  const params = useParams();
  const code = parseScannedCode(params.code ?? '') ?? params.code ?? '';
  const { data, error, loading, reload } = useApi<PublicScan>(code ? scanPath(code) : null, { anonymous: true });
  const reportLink = `/report?code=${encodeURIComponent(code)}`;

  let body: ReactNode;
  if (loading)
    body = (
      <Card data-testid="scan-loading">
        <Skeleton active paragraph={{ rows: 5 }} />
      </Card>
    );
  else if (error) body = <ScanError error={error} onRetry={reload} />;
  else if (data?.type === 'machine') body = <MachineCard scan={data} />;
  else if (data?.type === 'welder') body = <WelderCard scan={data} />;

  return (
    <PublicLayout>
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        {body}
        <Card size="small">
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('public.scan.reportHint')}
          </Typography.Paragraph>
          <Link to={reportLink}>
            <Button
              type="primary"
              danger
              block
              size="large"
              icon={<AlertOutlined />}
              className="m-report-btn"
              data-testid="report-button"
            >
              {t('public.scan.reportButton')}
            </Button>
          </Link>
        </Card>
        <Typography.Text type="secondary" className="m-code" data-testid="scanned-code">
          {t('public.scan.codeLabel')}: {code || '—'}
        </Typography.Text>
      </Space>
    </PublicLayout>
  );
}

function MachineCard({ scan }: { scan: PublicMachineScan }) {
  const { t } = useTranslation();
  const { machine, enterprise } = scan;
  const retiredOrStopped = !machine.registered;
  const enterpriseActive = enterprise.status === 'active';
  const verdict = retiredOrStopped
    ? {
        icon: <StopFilled style={{ color: '#cf1322' }} />,
        title: t('public.scan.machineStopped', { status: t(`machineStatus.${machine.status}`) }),
        type: 'error' as const,
      }
    : !enterpriseActive
      ? {
          icon: <ExclamationCircleFilled style={{ color: '#d46b08' }} />,
          title: t('public.scan.enterpriseNotActive', { status: t(`enterpriseStatus.${enterprise.status}`) }),
          type: 'warning' as const,
        }
      : {
          icon: <CheckCircleFilled style={{ color: '#389e0d' }} />,
          title: t('public.scan.machineRegistered'),
          type: 'success' as const,
        };
  return (
    <Card data-testid="scan-machine">
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Space align="start">
          <span style={{ fontSize: 40, lineHeight: 1 }}>{verdict.icon}</span>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="scan-verdict">
              {verdict.title}
            </Typography.Title>
            <Typography.Text type="secondary">{t('public.scan.genuine')}</Typography.Text>
          </div>
        </Space>
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('public.scan.machineName')}>{machine.name}</Descriptions.Item>
          <Descriptions.Item label={t('public.scan.kind')}>{t(`machineKind.${machine.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t('public.scan.status')}>
            <Tag color={machine.registered ? 'green' : 'red'}>{t(`machineStatus.${machine.status}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('public.scan.owner')}>
            <span data-testid="scan-owner">{enterprise.name}</span>{' '}
            <Tag color={enterpriseActive ? 'green' : 'orange'}>{t(`enterpriseStatus.${enterprise.status}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t('public.scan.chip')}>
            {machine.chipBound ? (
              <Tag color="blue">{t('public.scan.chipBound')}</Tag>
            ) : (
              <Tag>{t('public.scan.chipNotBound')}</Tag>
            )}
          </Descriptions.Item>
        </Descriptions>
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('public.scan.authorisedNow')}>
            <span data-testid="scan-authorised">
              {scan.authorisation.authorisedNow ? (
                <Tag color="green">
                  {scan.authorisation.unlockedNow ? t('public.scan.unlockedNow') : t('public.scan.permitInForce')}
                </Tag>
              ) : (
                <Tag color="red">{t('public.scan.notAuthorisedNow')}</Tag>
              )}
            </span>
          </Descriptions.Item>
        </Descriptions>
        <Alert
          type={
            retiredOrStopped || (!scan.authorisation.authorisedNow && scan.authorisation.unlockedNow)
              ? 'error'
              : scan.authorisation.authorisedNow
                ? 'success'
                : machine.chipBound
                  ? 'info'
                  : 'warning'
          }
          showIcon
          message={
            retiredOrStopped
              ? t('public.scan.mustNotWeld')
              : scan.authorisation.authorisedNow
                ? t('public.scan.authorisedExplain')
                : machine.chipBound
                  ? t('public.scan.notAuthorisedExplain')
                  : t('public.scan.authorisationNoChip')
          }
        />
      </Space>
    </Card>
  );
}

function WelderCard({ scan }: { scan: PublicWelderScan }) {
  const { t } = useTranslation();
  const ok = scan.certificate.validToday && scan.welder.status === 'active';
  return (
    <Card data-testid="scan-welder">
      <Space direction="vertical" size={12} style={{ width: '100%' }}>
        <Space align="start">
          <span style={{ fontSize: 40, lineHeight: 1 }}>
            {ok ? (
              <CheckCircleFilled style={{ color: '#389e0d' }} />
            ) : (
              <CloseCircleFilled style={{ color: '#cf1322' }} />
            )}
          </span>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="scan-verdict">
              {ok ? t('public.scan.welderLicensed') : t('public.scan.welderNotLicensed')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('public.scan.genuine')}</Typography.Text>
          </div>
        </Space>
        {scan.welder.photo && (
          <WelderPhoto path={`/api/public/codes/${encodeURIComponent(scan.code)}/photo`} anonymous />
        )}
        <Descriptions column={1} size="small" bordered>
          <Descriptions.Item label={t('public.scan.welderName')}>{scan.welder.maskedName}</Descriptions.Item>
          <Descriptions.Item label={t('public.scan.status')}>
            {t(`welderStatus.${scan.welder.status}`)}
          </Descriptions.Item>
          <Descriptions.Item label={t('public.scan.certificate')}>
            <Tag color={scan.certificate.validToday ? 'green' : 'red'}>{t(`certState.${scan.certificate.state}`)}</Tag>
            {scan.certificate.expiresOn && (
              <Typography.Text type="secondary">
                {t('public.scan.expiresOn', { date: scan.certificate.expiresOn })}
              </Typography.Text>
            )}
          </Descriptions.Item>
        </Descriptions>
      </Space>
    </Card>
  );
}

/** Each way a code can fail gets its own plain explanation. */
function ScanError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t, i18n } = useTranslation();
  const code = error instanceof ApiError ? error.code : 'NETWORK_ERROR';
  const details =
    error instanceof ApiError
      ? (error.details as { revokedAt?: string | null; reasonCategory?: string | null } | undefined)
      : undefined;
  switch (code) {
    case 'CODE_FORGED':
      return (
        <Result
          status="error"
          title={t('public.scan.forgedTitle')}
          subTitle={t('public.scan.forgedText')}
          data-testid="scan-forged"
        />
      );
    case 'CODE_REVOKED':
      return (
        <Result
          status="warning"
          title={t('public.scan.revokedTitle')}
          data-testid="scan-revoked"
          subTitle={t('public.scan.revokedText', {
            date: details?.revokedAt ? new Date(details.revokedAt).toLocaleDateString(i18n.language) : '—',
            reason: t(`public.scan.revokedReason.${details?.reasonCategory ?? 'revoked'}`, {
              defaultValue: t('public.scan.revokedReason.revoked'),
            }),
          })}
        />
      );
    case 'CODE_UNKNOWN':
      return (
        <Result
          status="warning"
          icon={<QuestionCircleFilled style={{ color: '#d46b08' }} />}
          title={t('public.scan.unknownTitle')}
          subTitle={t('public.scan.unknownText')}
          data-testid="scan-unknown"
        />
      );
    case 'CODE_MALFORMED':
      return (
        <Result
          status="info"
          title={t('public.scan.malformedTitle')}
          subTitle={t('public.scan.malformedText')}
          data-testid="scan-malformed"
        />
      );
    case 'TOO_MANY_REQUESTS':
      return (
        <Result
          status="warning"
          title={t('public.scan.tooManyTitle')}
          subTitle={t('public.tooMany')}
          extra={<Button onClick={onRetry}>{t('common.retry')}</Button>}
        />
      );
    default:
      return (
        <Result
          status="error"
          title={t('common.loadFailed')}
          subTitle={t('public.networkError')}
          extra={
            <Button type="primary" onClick={onRetry}>
              {t('common.retry')}
            </Button>
          }
          data-testid="scan-error"
        />
      );
  }
}
