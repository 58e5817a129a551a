import { Alert, Button, Form, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { useErrorReporter } from '../../hooks/useApi';

type Enrolment = components['schemas']['TotpEnrolmentDto'];
type Recovery = components['schemas']['RecoveryCodesDto'];

/** TOTP enrolment: QR code (and the key for typing), a first code to confirm, then the recovery codes once. */
export function TwoFactorSetup({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const report = useErrorReporter();
  const [form] = Form.useForm<{ code: string }>();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    try {
      setEnrolment(await apiFetch<Enrolment>('/api/auth/totp/enrol', { method: 'POST' }));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (v: { code: string }) => {
    setBusy(true);
    try {
      const r = await apiFetch<Recovery>('/api/auth/totp/confirm', { method: 'POST', body: { code: v.code.trim() } });
      setCodes(r.recoveryCodes);
    } catch (e) {
      report(e, form);
    } finally {
      setBusy(false);
    }
  };

  if (codes)
    return (
      <Space direction="vertical" data-testid="recovery-codes">
        <Alert type="warning" showIcon message={t('account.recoveryTitle')} description={t('account.recoveryHint')} />
        <pre style={{ fontSize: 15, lineHeight: 1.7, margin: 0 }}>{codes.join('\n')}</pre>
        <Button type="primary" onClick={onDone} data-testid="recovery-done">
          {t('account.recoveryDone')}
        </Button>
      </Space>
    );
  if (!enrolment)
    return (
      <Button type="primary" onClick={() => void start()} loading={busy} data-testid="totp-start">
        {t('account.enable')}
      </Button>
    );
  return (
    <Space direction="vertical" style={{ maxWidth: 420 }}>
      <Typography.Text>{t('account.twoFactorSetupHint')}</Typography.Text>
      <img src={enrolment.qrDataUrl} alt="" width={200} height={200} data-testid="totp-qr" />
      <Typography.Text type="secondary">
        {t('account.secretHint')}{' '}
        <Typography.Text code copyable data-testid="totp-secret">
          {enrolment.secret}
        </Typography.Text>
      </Typography.Text>
      <Form form={form} layout="inline" onFinish={confirm}>
        <Form.Item name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: t('login.totpCodeRequired') }]}>
          <Input
            placeholder={t('login.totpCode')}
            aria-label={t('login.totpCode')}
            inputMode="numeric"
            maxLength={6}
            autoComplete="one-time-code"
            data-testid="totp-confirm-code"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="totp-confirm">
          {t('account.confirmCode')}
        </Button>
      </Form>
    </Space>
  );
}
