import { Alert, Button, Card, Descriptions, Input, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import type { components } from '../../api/schema';
import { fmtTime } from '../../components/format';
import { useApi } from '../../hooks/useApi';
import { errorText } from '../../i18n/errors';
import { PublicLayout } from './PublicLayout';

type Status = components['schemas']['PublicRegistrationStatusView'];

const COLOR: Record<Status['status'], string> = { pending: 'processing', approved: 'success', rejected: 'error' };

/** /register/status?code=…: where a self-registration stands. */
export default function RegisterStatusPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const code = params.get('code') ?? '';
  const [typed, setTyped] = useState(code);
  const status = useApi<Status>(code ? `/api/public/enterprise-registrations/${encodeURIComponent(code)}` : null, {
    anonymous: true,
  });
  const notFound = status.error instanceof ApiError && status.error.status === 404;
  return (
    <PublicLayout>
      <Card title={t('register.statusTitle')} data-testid="register-status">
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space.Compact style={{ width: '100%' }}>
            <Input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder={t('register.statusCode')}
              data-testid="register-status-code"
            />
            <Button type="primary" onClick={() => setParams({ code: typed.trim() })}>
              {t('register.statusLookup')}
            </Button>
          </Space.Compact>
          {status.error ? (
            <Alert
              type={notFound ? 'warning' : 'error'}
              message={notFound ? t('register.statusNotFound') : errorText(t, status.error)}
            />
          ) : null}
          {status.data && (
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label={t('register.name')}>{status.data.name}</Descriptions.Item>
              <Descriptions.Item label={t('registrations.status')}>
                <Tag color={COLOR[status.data.status]} data-testid="register-status-value">
                  {t(`applicationStatus.${status.data.status}`)}
                </Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('register.submittedAt')}>
                {fmtTime(status.data.submittedAt)}
              </Descriptions.Item>
              {status.data.decidedAt && (
                <Descriptions.Item label={t('register.decidedAt')}>{fmtTime(status.data.decidedAt)}</Descriptions.Item>
              )}
              {status.data.rejectReason && (
                <Descriptions.Item label={t('register.statusReason')}>{status.data.rejectReason}</Descriptions.Item>
              )}
              <Descriptions.Item label={t('register.adminUsername')}>{status.data.adminUsername}</Descriptions.Item>
            </Descriptions>
          )}
          {status.data?.status === 'approved' && (
            <Link to="/login">
              <Button type="primary">{t('register.statusLogin')}</Button>
            </Link>
          )}
        </Space>
      </Card>
    </PublicLayout>
  );
}
