import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router-dom';
import { ApiError } from '../api/client';
import { errorText, formFieldErrors } from '../i18n/errors';
import { homeFor, restrictionPath, useSession } from '../auth/session';
import { LanguageSwitch } from '../shell/LanguageSwitch';

interface LoginForm {
  username: string;
  password: string;
  totpCode?: string;
  recoveryCode?: string;
}

/** Log-in: user name and password, then (accounts with TOTP) the code step; locks and throttles worded. */
export default function LoginPage() {
  const { t, i18n } = useTranslation();
  const { user, sessionExpired, idleLoggedOut, restriction, login } = useSession();
  const location = useLocation();
  const [form] = Form.useForm<LoginForm>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** The password was right and the account has TOTP: the code step. */
  const [secondStep, setSecondStep] = useState<'totp' | 'recovery' | null>(null);
  const from = (location.state as { from?: string } | null)?.from;

  if (user) return <Navigate to={restrictionPath(restriction) ?? from ?? homeFor(user.role)} replace />;

  const submit = async (values: LoginForm) => {
    setBusy(true);
    setError(null);
    try {
      const all = form.getFieldsValue(true) as LoginForm;
      const second =
        secondStep === 'totp'
          ? { totpCode: values.totpCode?.trim() }
          : secondStep === 'recovery'
            ? { recoveryCode: values.recoveryCode?.trim() }
            : {};
      await login(all.username.trim(), all.password, second);
      // Re-rendered with the user: the redirect above takes them home, or to a forced password change /
      // TOTP set-up first.
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTP_REQUIRED') {
        setSecondStep('totp');
        return;
      }
      form.setFields(formFieldErrors(t, e) as Parameters<typeof form.setFields>[0]);
      const lockedUntil =
        (e instanceof ApiError && (e.details as { lockedUntil?: string } | undefined)?.lockedUntil) || null;
      setError(
        e instanceof ApiError && e.code === 'INVALID_CREDENTIALS'
          ? secondStep
            ? t('login.totpInvalid')
            : t('login.invalid')
          : e instanceof ApiError && e.code === 'ACCOUNT_LOCKED' && lockedUntil
            ? t('login.locked', {
                time: new Date(lockedUntil).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' }),
              })
            : e instanceof ApiError && (e.code === 'LOGIN_THROTTLED' || e.code === 'TOO_MANY_REQUESTS')
              ? t('login.throttled', {
                  minutes: Math.max(
                    1,
                    Math.ceil(Number((e.details as { retryAfterS?: number } | undefined)?.retryAfterS ?? 60) / 60),
                  ),
                })
              : errorText(t, e),
      );
      if (e instanceof ApiError && e.code === 'ACCOUNT_LOCKED') setSecondStep(null);
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
          {idleLoggedOut && !error && (
            <Alert type="info" showIcon message={t('login.idleLoggedOut')} data-testid="idle-logged-out" />
          )}
          <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} preserve>
            <div style={{ display: secondStep ? 'none' : undefined }}>
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
            </div>
            {secondStep && (
              <>
                <Typography.Title level={5} style={{ marginTop: 0 }}>
                  {t('login.totpTitle')}
                </Typography.Title>
                <Typography.Paragraph type="secondary">{t('login.totpHint')}</Typography.Paragraph>
                {secondStep === 'totp' ? (
                  <Form.Item
                    name="totpCode"
                    label={t('login.totpCode')}
                    rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.totpCodeRequired') }]}
                  >
                    <Input
                      prefix={<SafetyOutlined />}
                      autoComplete="one-time-code"
                      inputMode="numeric"
                      maxLength={6}
                      autoFocus
                      data-testid="totp-code"
                    />
                  </Form.Item>
                ) : (
                  <Form.Item
                    name="recoveryCode"
                    label={t('login.recoveryCode')}
                    rules={[{ required: true, message: t('login.recoveryCodeRequired') }]}
                  >
                    <Input prefix={<SafetyOutlined />} autoComplete="off" autoFocus data-testid="recovery-code" />
                  </Form.Item>
                )}
                <Space style={{ marginBottom: 12 }}>
                  <Button
                    type="link"
                    size="small"
                    onClick={() => setSecondStep(secondStep === 'totp' ? 'recovery' : 'totp')}
                    data-testid="toggle-recovery"
                  >
                    {secondStep === 'totp' ? t('login.useRecovery') : t('login.useTotp')}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    onClick={() => {
                      setSecondStep(null);
                      setError(null);
                    }}
                  >
                    {t('login.back')}
                  </Button>
                </Space>
              </>
            )}
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
