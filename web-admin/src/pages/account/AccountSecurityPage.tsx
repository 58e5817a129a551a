import { App, Button, Card, Form, Input, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { useSession } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { ChangePasswordForm } from './ChangePasswordForm';
import { TwoFactorSetup } from './TwoFactorSetup';
import { describeUserAgent } from './user-agent';
import { LoginHistoryTable } from './LoginHistoryTable';

type SessionView = components['schemas']['SessionViewDto'];
type TotpStatus = components['schemas']['TotpStatusDto'];

function TwoFactorCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const status = useApi<TotpStatus>('/api/auth/totp');
  const [form] = Form.useForm<{ password: string; code: string }>();
  const [busy, setBusy] = useState(false);
  const disable = async (v: { password: string; code: string }) => {
    setBusy(true);
    try {
      await apiFetch('/api/auth/totp/disable', { method: 'POST', body: { password: v.password, code: v.code.trim() } });
      void message.success(t('account.disabled'));
      form.resetFields();
      status.reload();
    } catch (e) {
      report(e, form);
    } finally {
      setBusy(false);
    }
  };
  const s = status.data;
  return (
    <Card
      title={t('account.twoFactor')}
      extra={
        s && (
          <Tag color={s.enabled ? 'green' : 'default'} data-testid="totp-state">
            {s.enabled ? t('account.twoFactorOn') : t('account.twoFactorOff')}
          </Tag>
        )
      }
    >
      {status.error ? (
        <ErrorState error={status.error} onRetry={status.reload} />
      ) : !s ? null : s.enabled ? (
        <Space direction="vertical">
          <Typography.Text type="secondary">
            {t('account.recoveryLeft', { count: s.recoveryCodesLeft })}
          </Typography.Text>
          {s.required ? (
            <Typography.Text>{t('account.twoFactorRequired')}</Typography.Text>
          ) : (
            <Form form={form} layout="inline" onFinish={disable}>
              <Form.Item name="password" rules={[{ required: true }]}>
                <Input.Password placeholder={t('login.password')} aria-label={t('login.password')} />
              </Form.Item>
              <Form.Item name="code" rules={[{ required: true }]}>
                <Input placeholder={t('account.codeOrRecovery')} aria-label={t('account.codeOrRecovery')} />
              </Form.Item>
              <Button danger htmlType="submit" loading={busy}>
                {t('account.disable')}
              </Button>
            </Form>
          )}
        </Space>
      ) : (
        <TwoFactorSetup
          onDone={() => {
            void message.success(t('account.enabled'));
            status.reload();
          }}
        />
      )}
    </Card>
  );
}

/** 账号安全: my password, two-factor log-in, the devices logged in, and my log-in history. */
export default function AccountSecurityPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const navigate = useNavigate();
  const { logout } = useSession();
  const sessions = useApi<SessionView[]>('/api/auth/sessions');
  const [historyKey, setHistoryKey] = useState(0);

  const revoke = async (id: string) => {
    try {
      await apiFetch(`/api/auth/sessions/${id}`, { method: 'DELETE' });
      void message.success(t('account.revoked'));
      sessions.reload();
    } catch (e) {
      report(e);
    }
  };
  const logoutAll = async () => {
    try {
      await apiFetch('/api/auth/logout-all', { method: 'POST' });
    } catch (e) {
      report(e);
      return;
    }
    logout();
    void navigate('/login', { replace: true });
  };

  return (
    <div data-testid="account-security">
      <PageHeader title={t('account.title')} />
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Card title={t('account.changePassword')}>
          <ChangePasswordForm
            onChanged={() => {
              sessions.reload();
              setHistoryKey((k) => k + 1);
            }}
          />
        </Card>
        <TwoFactorCard />
        <Card
          title={t('account.sessions')}
          extra={
            <Popconfirm title={t('account.logoutAllConfirm')} onConfirm={() => void logoutAll()}>
              <Button danger data-testid="logout-all">
                {t('account.logoutAll')}
              </Button>
            </Popconfirm>
          }
        >
          {sessions.error ? (
            <ErrorState error={sessions.error} onRetry={sessions.reload} />
          ) : (
            <Table<SessionView>
              rowKey="id"
              size="small"
              loading={sessions.loading}
              dataSource={sessions.data ?? []}
              pagination={false}
              scroll={{ x: true }}
              data-testid="sessions-table"
              columns={[
                { title: t('account.sessionCreated'), render: (_, r) => fmtTime(r.createdAt) },
                { title: t('account.sessionLastSeen'), render: (_, r) => fmtTime(r.lastSeenAt) },
                { title: t('account.address'), dataIndex: 'ip' },
                { title: t('account.userAgent'), render: (_, r) => describeUserAgent(r.userAgent) },
                {
                  title: '',
                  render: (_, r) =>
                    r.current ? (
                      <Tag color="blue">{t('account.current')}</Tag>
                    ) : (
                      <Button size="small" onClick={() => void revoke(r.id)}>
                        {t('account.revoke')}
                      </Button>
                    ),
                },
              ]}
            />
          )}
        </Card>
        <Card title={t('account.history')}>
          <LoginHistoryTable key={historyKey} path="/api/auth/login-history" />
        </Card>
      </Space>
    </div>
  );
}
