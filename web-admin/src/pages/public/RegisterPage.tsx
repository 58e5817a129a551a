import { CopyOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Divider, Form, Input, Result, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { useApi } from '../../hooks/useApi';
import { errorText, formFieldErrors } from '../../i18n/errors';
import { PhotoError, preparePhoto } from './photo';
import { PublicLayout } from './PublicLayout';
import type { PublicRegion } from './publicApi';
import { isValidUscc } from './uscc';

type Receipt = components['schemas']['RegistrationReceiptView'];

interface RegisterForm {
  uscc: string;
  name: string;
  industry: string;
  regionCode: string;
  address: string;
  legalRepresentative: string;
  principalName: string;
  principalPhone: string;
  safetyManagerName: string;
  safetyManagerPhone: string;
  adminUsername: string;
  adminDisplayName: string;
  adminPassword: string;
  adminPassword2: string;
}

const SENT_FIELDS = [
  'uscc',
  'name',
  'industry',
  'regionCode',
  'address',
  'legalRepresentative',
  'principalName',
  'principalPhone',
  'safetyManagerName',
  'safetyManagerPhone',
  'adminUsername',
  'adminDisplayName',
  'adminPassword',
] as const;

const MOBILE = /^1[3-9]\d{9}$/;

/**
 * /register: 企业注册. An enterprise applies with its credit code, people and a photo of its licence;
 * its township reviews. The answer is a tracking code (/register/status).
 */
export default function RegisterPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RegisterForm>();
  const [licence, setLicence] = useState<{ blob: Blob; url: string } | null>(null);
  const [licenceError, setLicenceError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<(Receipt & { username: string }) | null>(null);
  const regions = useApi<PublicRegion[]>('/api/public/report-regions', { anonymous: true });
  const townships = (regions.data ?? []).filter((r) => r.level === 'township');
  const required = { required: true, whitespace: true, message: t('register.required') };

  const pick = async (files: FileList | null) => {
    setLicenceError(null);
    const f = files?.[0];
    if (!f) return;
    try {
      const blob = await preparePhoto(f);
      setLicence({ blob, url: URL.createObjectURL(blob) });
    } catch (e) {
      setLicenceError(
        e instanceof PhotoError && e.reason === 'tooLarge'
          ? t('public.report.photoTooLarge')
          : t('public.report.photoUnreadable'),
      );
    }
  };

  const submit = async (values: RegisterForm) => {
    if (!licence) {
      setLicenceError(t('register.licenceRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    const fd = new FormData();
    for (const k of SENT_FIELDS) fd.set(k, k === 'adminPassword' ? values[k] : values[k].trim());
    fd.append('licence', licence.blob, 'licence.jpg');
    try {
      const r = await apiFetch<Receipt>('/api/public/enterprise-registrations', {
        method: 'POST',
        body: fd,
        anonymous: true,
      });
      setReceipt({ ...r, username: values.adminUsername.trim() });
      window.scrollTo?.(0, 0);
    } catch (e) {
      const fields = formFieldErrors(t, e);
      form.setFields(
        fields
          .filter((f) => (SENT_FIELDS as readonly unknown[]).includes(f.name[0]))
          .map((f) => ({ name: f.name[0] as keyof RegisterForm, errors: f.errors })),
      );
      const onLicence = fields.find((f) => f.name[0] === 'licence');
      if (onLicence) setLicenceError(onLicence.errors[0]);
      setError(e instanceof ApiError && e.code === 'TOO_MANY_REQUESTS' ? t('public.tooMany') : errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  if (receipt)
    return (
      <PublicLayout>
        <Card data-testid="register-done">
          <Result
            status="success"
            title={t('register.doneTitle')}
            subTitle={t('register.doneText', { username: receipt.username })}
            extra={
              <Space direction="vertical" style={{ width: '100%' }}>
                <div className="m-tracking" data-testid="register-tracking-code">
                  {receipt.trackingCode}
                </div>
                <Button
                  icon={<CopyOutlined />}
                  onClick={() =>
                    navigator.clipboard?.writeText(receipt.trackingCode).then(
                      () => message.success(t('public.report.copied')),
                      () => undefined,
                    )
                  }
                >
                  {t('public.report.copy')}
                </Button>
                <Link to={`/register/status?code=${encodeURIComponent(receipt.trackingCode)}`}>
                  <Button type="link">{t('register.followUp')}</Button>
                </Link>
              </Space>
            }
          />
        </Card>
      </PublicLayout>
    );

  return (
    <PublicLayout>
      <Card title={t('register.title')} data-testid="register-form">
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary">{t('register.intro')}</Typography.Paragraph>
          {error && <Alert type="error" showIcon message={error} data-testid="register-error" />}
          <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false}>
            <Divider>{t('register.company')}</Divider>
            <Form.Item
              name="uscc"
              label={t('register.uscc')}
              rules={[
                required,
                {
                  validator: (_, v: string | undefined) =>
                    !v || isValidUscc(v) ? Promise.resolve() : Promise.reject(new Error(t('register.usccInvalid'))),
                },
              ]}
            >
              <Input maxLength={18} autoComplete="off" data-testid="register-uscc" />
            </Form.Item>
            <Form.Item name="name" label={t('register.name')} rules={[required]}>
              <Input maxLength={200} data-testid="register-name" />
            </Form.Item>
            <Form.Item name="industry" label={t('register.industry')} rules={[required]}>
              <Input maxLength={100} data-testid="register-industry" />
            </Form.Item>
            <Form.Item name="regionCode" label={t('register.region')} rules={[required]}>
              <Select
                showSearch
                optionFilterProp="label"
                loading={regions.loading}
                data-testid="register-region"
                notFoundContent={regions.error ? t('public.networkError') : undefined}
                options={townships.map((r) => ({ value: r.code, label: r.name }))}
              />
            </Form.Item>
            <Form.Item name="address" label={t('register.address')} rules={[required]}>
              <Input maxLength={300} data-testid="register-address" />
            </Form.Item>
            <Form.Item
              label={t('register.licence')}
              help={licenceError}
              validateStatus={licenceError ? 'error' : undefined}
            >
              <Space direction="vertical">
                {licence && (
                  <img
                    src={licence.url}
                    alt={t('register.licence')}
                    style={{ maxWidth: 240, maxHeight: 160, borderRadius: 6 }}
                    data-testid="register-licence-preview"
                  />
                )}
                <label className="ant-btn ant-btn-default" style={{ cursor: 'pointer' }}>
                  <UploadOutlined /> <span>{t('register.licencePick')}</span>
                  <input
                    type="file"
                    accept="image/*"
                    style={{ display: 'none' }}
                    data-testid="register-licence"
                    onChange={(e) => {
                      void pick(e.target.files);
                      e.target.value = '';
                    }}
                  />
                </label>
              </Space>
            </Form.Item>

            <Divider>{t('register.people')}</Divider>
            <Form.Item name="legalRepresentative" label={t('register.legalRepresentative')} rules={[required]}>
              <Input maxLength={50} data-testid="register-legal" />
            </Form.Item>
            <Form.Item name="principalName" label={t('register.principalName')} rules={[required]}>
              <Input maxLength={50} data-testid="register-principal" />
            </Form.Item>
            <Form.Item
              name="principalPhone"
              label={t('register.principalPhone')}
              rules={[required, { pattern: MOBILE, message: t('register.mobileInvalid') }]}
            >
              <Input inputMode="tel" maxLength={11} data-testid="register-principal-phone" />
            </Form.Item>
            <Form.Item name="safetyManagerName" label={t('register.safetyManagerName')} rules={[required]}>
              <Input maxLength={50} data-testid="register-safety" />
            </Form.Item>
            <Form.Item
              name="safetyManagerPhone"
              label={t('register.safetyManagerPhone')}
              rules={[required, { pattern: MOBILE, message: t('register.mobileInvalid') }]}
            >
              <Input inputMode="tel" maxLength={11} data-testid="register-safety-phone" />
            </Form.Item>

            <Divider>{t('register.account')}</Divider>
            <Form.Item
              name="adminUsername"
              label={t('register.adminUsername')}
              rules={[required, { pattern: /^[a-zA-Z0-9._-]{3,64}$/, message: t('register.usernameInvalid') }]}
            >
              <Input autoComplete="off" data-testid="register-username" />
            </Form.Item>
            <Form.Item name="adminDisplayName" label={t('register.adminDisplayName')} rules={[required]}>
              <Input maxLength={100} data-testid="register-admin-name" />
            </Form.Item>
            <Form.Item
              name="adminPassword"
              label={t('register.adminPassword')}
              extra={t('accounts.passwordHint')}
              rules={[required]}
            >
              <Input.Password autoComplete="new-password" data-testid="register-password" />
            </Form.Item>
            <Form.Item
              name="adminPassword2"
              label={t('register.adminPasswordAgain')}
              dependencies={['adminPassword']}
              rules={[
                required,
                ({ getFieldValue }) => ({
                  validator: (_, v) =>
                    !v || v === getFieldValue('adminPassword')
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('register.passwordsDiffer'))),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" data-testid="register-password2" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="register-submit">
              {t('register.submit')}
            </Button>
          </Form>
          <Link to="/login">{t('register.toLogin')}</Link>
        </Space>
      </Card>
    </PublicLayout>
  );
}
