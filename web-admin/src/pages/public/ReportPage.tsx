import { AimOutlined, CameraOutlined, CopyOutlined, DeleteOutlined, LockOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Result, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError, apiFetch } from '../../api/client';
import { errorText, formFieldErrors } from '../../i18n/errors';
import { useApi } from '../../hooks/useApi';
import { parseScannedCode } from './codes';
import { MAX_PHOTOS, PhotoError, preparePhoto } from './photo';
import { LocationPicker } from '../../components/map/LocationPicker';
import { PublicLayout } from './PublicLayout';
import type { PublicRegion, ReportReceipt } from './publicApi';

interface ReportForm {
  description: string;
  regionCode?: string;
  address?: string;
  contact?: string;
}

const FORM_FIELDS = ['description', 'regionCode', 'address', 'contact'] as const;

interface Photo {
  blob: Blob;
  url: string;
}

type Fix =
  | { state: 'idle' }
  | { state: 'locating' }
  | { state: 'ok'; lat: number; lng: number; accuracy: number }
  // picked on the map (LocationPicker)
  | { state: 'picked'; lat: number; lng: number }
  | { state: 'failed'; reason: string };

/** /report?code=…: 一键举报 with photos and location; answers a tracking code. */
export default function ReportPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const machineCode = parseScannedCode(params.get('code') ?? '');
  const [form] = Form.useForm<ReportForm>();
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [fix, setFix] = useState<Fix>({ state: 'idle' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [receipt, setReceipt] = useState<ReportReceipt | null>(null);
  const regions = useApi<PublicRegion[]>('/api/public/report-regions', { anonymous: true });

  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.url)), [photos]);

  const addPhotos = async (files: FileList | null) => {
    setPhotoError(null);
    const chosen = [...(files ?? [])].slice(0, MAX_PHOTOS - photos.length);
    if (files && files.length > chosen.length) setPhotoError(t('public.report.photoLimit', { max: MAX_PHOTOS }));
    const added: Photo[] = [];
    for (const f of chosen) {
      try {
        const blob = await preparePhoto(f);
        added.push({ blob, url: URL.createObjectURL(blob) });
      } catch (e) {
        setPhotoError(
          e instanceof PhotoError && e.reason === 'tooLarge'
            ? t('public.report.photoTooLarge')
            : t('public.report.photoUnreadable'),
        );
      }
    }
    setPhotos((p) => [...p, ...added]);
  };

  const locate = () => {
    if (!('geolocation' in navigator)) {
      setFix({ state: 'failed', reason: t('public.report.noGeolocation') });
      return;
    }
    setFix({ state: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (p) => setFix({ state: 'ok', lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy }),
      (e) =>
        setFix({
          state: 'failed',
          reason:
            e.code === e.PERMISSION_DENIED ? t('public.report.locationDenied') : t('public.report.locationFailed'),
        }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const submit = async (values: ReportForm) => {
    setBusy(true);
    setError(null);
    const fd = new FormData();
    fd.set('description', values.description.trim());
    if (machineCode) fd.set('machineCode', machineCode);
    if (values.regionCode) fd.set('regionCode', values.regionCode);
    if (values.address?.trim()) fd.set('address', values.address.trim());
    if (values.contact?.trim()) fd.set('contact', values.contact.trim());
    if (fix.state === 'ok' || fix.state === 'picked') {
      fd.set('latitude', fix.lat.toFixed(6));
      fd.set('longitude', fix.lng.toFixed(6));
    }
    photos.forEach((p, i) => fd.append('photos', p.blob, `photo-${i + 1}.jpg`));
    try {
      setReceipt(await apiFetch<ReportReceipt>('/api/public/reports', { method: 'POST', body: fd, anonymous: true }));
      window.scrollTo?.(0, 0);
    } catch (e) {
      form.setFields(
        formFieldErrors(t, e)
          .filter((f) => (FORM_FIELDS as readonly unknown[]).includes(f.name[0]))
          .map((f) => ({ name: f.name[0] as keyof ReportForm, errors: f.errors })),
      );
      setError(e instanceof ApiError && e.code === 'TOO_MANY_REQUESTS' ? t('public.tooMany') : errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  if (receipt) {
    const copy = () =>
      navigator.clipboard?.writeText(receipt.displayCode).then(
        () => message.success(t('public.report.copied')),
        () => undefined,
      );
    return (
      <PublicLayout>
        <Card data-testid="report-done">
          <Result
            status="success"
            title={t('public.report.doneTitle')}
            subTitle={t('public.report.doneText')}
            extra={
              <Space direction="vertical" style={{ width: '100%' }}>
                <div className="m-tracking" data-testid="tracking-code">
                  {receipt.displayCode}
                </div>
                <Button icon={<CopyOutlined />} onClick={copy}>
                  {t('public.report.copy')}
                </Button>
                <Link to={`/report/status?code=${receipt.trackingCode}`}>
                  <Button type="link">{t('public.report.followUp')}</Button>
                </Link>
              </Space>
            }
          />
        </Card>
      </PublicLayout>
    );
  }

  return (
    <PublicLayout>
      <Card title={t('public.report.title')} data-testid="report-form">
        <Space direction="vertical" size={12} style={{ width: '100%' }}>
          <Alert type="info" showIcon icon={<LockOutlined />} message={t('public.report.confidential')} />
          {machineCode && (
            <div>
              <Typography.Text type="secondary">{t('public.report.machineCode')}: </Typography.Text>
              <Tag className="m-code" data-testid="report-machine-code">
                {machineCode}
              </Tag>
            </div>
          )}
          {error && <Alert type="error" showIcon message={error} data-testid="report-error" />}
          <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
            <Form.Item
              name="description"
              label={t('public.report.description')}
              rules={[
                { required: true, whitespace: true, message: t('public.report.descriptionRequired') },
                { min: 5, message: t('public.report.descriptionShort') },
              ]}
            >
              <Input.TextArea
                rows={4}
                maxLength={2000}
                showCount
                placeholder={t('public.report.descriptionPlaceholder')}
                data-testid="report-description"
              />
            </Form.Item>

            <Form.Item
              label={t('public.report.photos', { max: MAX_PHOTOS })}
              help={photoError}
              validateStatus={photoError ? 'error' : undefined}
            >
              <div className="m-photos">
                {photos.map((p, i) => (
                  <div className="m-photo" key={p.url}>
                    <img src={p.url} alt={t('public.report.photoAlt', { n: i + 1 })} />
                    <Button
                      size="small"
                      shape="circle"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('public.report.removePhoto')}
                      onClick={() => setPhotos((all) => all.filter((x) => x !== p))}
                    />
                  </div>
                ))}
                {photos.length < MAX_PHOTOS && (
                  <label className="m-photo-add">
                    <CameraOutlined style={{ fontSize: 24 }} />
                    <span>{t('public.report.takePhoto')}</span>
                    <input
                      type="file"
                      accept="image/*"
                      capture="environment"
                      multiple
                      data-testid="report-photo-input"
                      style={{ display: 'none' }}
                      onChange={(e) => {
                        void addPhotos(e.target.files);
                        e.target.value = '';
                      }}
                    />
                  </label>
                )}
              </div>
            </Form.Item>

            <Form.Item label={t('public.report.location')}>
              <Space direction="vertical" style={{ width: '100%' }}>
                <Button
                  icon={<AimOutlined />}
                  onClick={locate}
                  loading={fix.state === 'locating'}
                  data-testid="report-locate"
                >
                  {fix.state === 'ok' ? t('public.report.relocate') : t('public.report.useLocation')}
                </Button>
                <LocationPicker
                  testId="report-pick"
                  value={fix.state === 'ok' || fix.state === 'picked' ? fix : null}
                  onChange={(p) => setFix({ state: 'picked', ...p })}
                />
                {fix.state === 'picked' && (
                  <Typography.Text type="success" data-testid="report-fix">
                    {t('map.picked', { lat: fix.lat.toFixed(5), lng: fix.lng.toFixed(5) })}
                  </Typography.Text>
                )}
                {fix.state === 'ok' && (
                  <Typography.Text type="success" data-testid="report-fix">
                    {t('public.report.located', {
                      lat: fix.lat.toFixed(5),
                      lng: fix.lng.toFixed(5),
                      acc: Math.round(fix.accuracy),
                    })}
                  </Typography.Text>
                )}
                {fix.state === 'failed' && (
                  <Typography.Text type="warning">
                    {fix.reason} {t('public.report.manualFallback')}
                  </Typography.Text>
                )}
              </Space>
            </Form.Item>
            <Form.Item
              name="regionCode"
              label={t('public.report.region')}
              extra={machineCode ? t('public.report.regionFromMachine') : undefined}
            >
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                loading={regions.loading}
                placeholder={t('public.report.regionPlaceholder')}
                data-testid="report-region"
                notFoundContent={regions.error ? t('public.networkError') : undefined}
                options={(regions.data ?? []).map((r) => ({ value: r.code, label: r.name }))}
              />
            </Form.Item>
            <Form.Item name="address" label={t('public.report.address')}>
              <Input maxLength={300} placeholder={t('public.report.addressPlaceholder')} data-testid="report-address" />
            </Form.Item>
            <Form.Item
              name="contact"
              label={t('public.report.contact')}
              extra={t('public.report.contactHint')}
              rules={[{ pattern: /^1[3-9]\d{9}$/, message: t('public.report.contactInvalid') }]}
            >
              <Input inputMode="tel" maxLength={11} placeholder="13800000000" data-testid="report-contact" />
            </Form.Item>
            <Button
              type="primary"
              danger
              htmlType="submit"
              block
              size="large"
              loading={busy}
              className="m-report-btn"
              data-testid="report-submit"
            >
              {t('public.report.submit')}
            </Button>
          </Form>
        </Space>
      </Card>
    </PublicLayout>
  );
}
