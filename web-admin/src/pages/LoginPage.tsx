import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api/client';
import { errorText, formFieldErrors } from '../i18n/errors';
import { homeFor, useSession } from '../auth/session';
import { LanguageSwitch } from '../shell/LanguageSwitch';

interface LoginForm {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { t } = useTranslation();
  const { user, sessionExpired, login } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [form] = Form.useForm<LoginForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const from = (location.state as { from?: string } | null)?.from;

  if (user) return <Navigate to={from ?? homeFor(user.role)} replace />;

  const submit = async (values: LoginForm) => {
    setBusy(true);
    setError(null);
    try {
      const u = await login(values.username.trim(), values.password);
      void navigate(from ?? homeFor(u.role), { replace: true });
    } catch (e) {
      form.setFields(formFieldErrors(t, e) as Parameters<typeof form.setFields>[0]);
      setError(
        e instanceof ApiError && e.code === 'INVALID_CREDENTIALS'
          ? t('login.invalid')
          : e instanceof ApiError && (e.code === 'LOGIN_THROTTLED' || e.code === 'TOO_MANY_REQUESTS')
            ? t('login.throttled', {
                minutes: Math.max(
                  1,
                  Math.ceil(Number((e.details as { retryAfterS?: number } | undefined)?.retryAfterS ?? 60) / 60),
                ),
              })
            : errorText(t, e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-bg">
      <Card style={{ width: 380, maxWidth: '100%' }}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('app.name')}
            </Typography.Title>
            <LanguageSwitch />
          </div>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
          {sessionExpired && !error && (
            <Alert type="warning" showIcon message={t('login.sessionExpired')} data-testid="session-expired" />
          )}
          {error && <Alert type="error" showIcon message={error} data-testid="login-error" />}
          <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
            <Form.Item
              name="username"
              label={t('login.username')}
              rules={[{ required: true, message: t('login.usernameRequired') }]}
            >
              <Input prefix={<UserOutlined />} autoComplete="username" data-testid="username" />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.password')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
          <Space split="·" style={{ justifyContent: 'center', width: '100%' }}>
            <Link to="/register" data-testid="login-register">
              {t('login.register')}
            </Link>
            <Link to="/activate" data-testid="login-activate">
              {t('login.activate')}
            </Link>
          </Space>
        </Space>
      </Card>
    </div>
  );
}
