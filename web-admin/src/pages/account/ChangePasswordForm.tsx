import { App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { useErrorReporter } from '../../hooks/useApi';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

type ChangeResponse = components['schemas']['ChangePasswordResponseDto'];

/** The user's own password change (current + new twice); the server applies the policy and names what fails. */
export function ChangePasswordForm({ onChanged }: { onChanged: (r: ChangeResponse) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const submit = async (v: Values) => {
    setBusy(true);
    try {
      const r = await apiFetch<ChangeResponse>('/api/auth/password', {
        method: 'POST',
        body: { currentPassword: v.currentPassword, newPassword: v.newPassword },
      });
      form.resetFields();
      void message.success(t('account.changed'));
      onChanged(r);
    } catch (e) {
      report(e, form);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} style={{ maxWidth: 420 }}>
      <Form.Item name="currentPassword" label={t('account.currentPassword')} rules={[{ required: true }]}>
        <Input.Password autoComplete="current-password" data-testid="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('account.newPassword')}
        rules={[{ required: true }]}
        extra={<Typography.Text type="secondary">{t('account.policy')}</Typography.Text>}
      >
        <Input.Password autoComplete="new-password" data-testid="new-password" />
      </Form.Item>
      <Form.Item
        name="confirmPassword"
        label={t('account.confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue('newPassword') === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('account.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid="confirm-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="change-password-submit">
        {t('account.submitChange')}
      </Button>
    </Form>
  );
}
