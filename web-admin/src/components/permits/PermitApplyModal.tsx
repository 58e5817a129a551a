import { Checkbox, Col, DatePicker, Divider, Form, Input, InputNumber, Modal, Row, Select, Space, Button } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch, type Paginated } from '../../api/client';
import {
  PERMIT_LEVELS,
  type EnterpriseView,
  type MachineView,
  type PermitSummary,
  type WelderView,
} from '../../api/types';
import { useSession } from '../../auth/session';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { pickedChinaIso } from '../format';
import { LocationPicker, pointOf } from '../map/LocationPicker';

/** The safety measures (server/src/permits/checklist.ts); the first five are mandatory to submit. */
export const CHECKLIST_KEYS = [
  'combustiblesCleared15m',
  'extinguishersInPlace',
  'openingsCovered',
  'equipmentIsolated',
  'ppeInPlace',
  'sparkShielding',
  'windBelowForce5',
] as const;

interface ApplyForm {
  level: string;
  workDescription: string;
  site: { address: string; point: { lat: number; lng: number }; geofence: { radiusM: number } };
  plannedStart: Dayjs;
  plannedEnd: Dayjs;
  welderIds: string[];
  machineIds: string[];
  fireWatcher: { personId: string };
  checklist: string[];
}

/** Apply for a hot-work permit: saved as a draft, then (optionally at once) submitted for approval. */
export function PermitApplyModal({ open, onClose }: { open: boolean; onClose: (saved: PermitSummary | null) => void }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [form] = Form.useForm<ApplyForm>();
  const report = useErrorReporter();
  const [busy, setBusy] = useState<'draft' | 'submit' | null>(null);
  const welders = useApi<Paginated<WelderView>>(open ? '/api/welders' : null, {
    query: { status: 'active', pageSize: 200 },
  });
  const machines = useApi<Paginated<MachineView>>(open ? '/api/machines' : null, { query: { pageSize: 200 } });
  const enterprise = useApi<EnterpriseView & { latitude: number | null; longitude: number | null }>(
    open && user?.enterpriseId ? `/api/enterprises/${user.enterpriseId}` : null,
  );

  const save = async (submit: boolean) => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(submit ? 'submit' : 'draft');
    let created: PermitSummary | null = null;
    try {
      const checklist = Object.fromEntries(CHECKLIST_KEYS.map((k) => [k, v.checklist?.includes(k) ?? false]));
      created = await apiFetch<PermitSummary>('/api/permits', {
        method: 'POST',
        body: {
          level: v.level,
          workDescription: v.workDescription,
          site: {
            address: v.site.address,
            point: v.site.point,
            geofence: { type: 'circle', center: v.site.point, radiusM: v.site.geofence.radiusM },
          },
          plannedStart: pickedChinaIso(v.plannedStart),
          plannedEnd: pickedChinaIso(v.plannedEnd),
          welderIds: v.welderIds,
          machineIds: v.machineIds,
          fireWatcher: v.fireWatcher,
          checklist,
        },
      });
      if (submit) created = await apiFetch<PermitSummary>(`/api/permits/${created.id}/submit`, { method: 'POST' });
      form.resetFields();
      onClose(created);
    } catch (e) {
      report(e, form);
      // The draft exists even when submitting failed: close so the user continues from the list.
      if (created) onClose(created);
    } finally {
      setBusy(null);
    }
  };

  // 监护人: a registered person of the enterprise with a phone, never one of the permit's welders.
  const chosenWelders = Form.useWatch('welderIds', form) ?? [];
  const watcherOptions = (welders.data?.items ?? [])
    .filter((w) => w.employerId === user?.enterpriseId && !!w.phoneMasked && !chosenWelders.includes(w.id))
    .map((w) => ({ value: w.id, label: `${w.realName} · ${w.phoneMasked}` }));
  const e = enterprise.data;
  // Start from the enterprise's own address and position; the applicant moves it to the work site.
  useEffect(() => {
    if (!e || !open) return;
    if (!form.getFieldValue(['site', 'address'])) form.setFieldValue(['site', 'address'], e.address);
    if (e.latitude !== null && form.getFieldValue(['site', 'point', 'lat']) === undefined)
      form.setFieldValue(['site', 'point', 'lat'], Number(e.latitude));
    if (e.longitude !== null && form.getFieldValue(['site', 'point', 'lng']) === undefined)
      form.setFieldValue(['site', 'point', 'lng'], Number(e.longitude));
  }, [e, open, form]);
  return (
    <Modal
      open={open}
      width={760}
      title={t('permits.apply')}
      onCancel={() => onClose(null)}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={() => onClose(null)}>{t('common.cancel')}</Button>
          <Button loading={busy === 'draft'} disabled={!!busy} onClick={() => save(false)}>
            {t('permits.saveDraft')}
          </Button>
          <Button
            type="primary"
            loading={busy === 'submit'}
            disabled={!!busy}
            onClick={() => save(true)}
            data-testid="permit-submit"
          >
            {t('permits.submitForApproval')}
          </Button>
        </Space>
      }
    >
      <Form
        form={form}
        layout="vertical"
        data-testid="permit-form"
        initialValues={{ level: 'level2', site: { geofence: { radiusM: 50 } }, checklist: [] }}
      >
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="level" label={t('permits.level')} rules={[{ required: true }]}>
              <Select options={PERMIT_LEVELS.map((l) => ({ value: l, label: t(`permitLevel.${l}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={16}>
            <Form.Item name="workDescription" label={t('permits.work')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={1000} placeholder="2号车间钢梁焊接" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="plannedStart" label={t('permits.start')} rules={[{ required: true }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="plannedEnd" label={t('permits.end')} rules={[{ required: true }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item
              name={['site', 'address']}
              label={t('permits.site')}
              rules={[{ required: true, whitespace: true }]}
            >
              <Input maxLength={300} />
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item name={['site', 'point', 'lat']} label={t('permits.lat')} rules={[{ required: true }]}>
              <InputNumber min={-90} max={90} step={0.0001} precision={6} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item name={['site', 'point', 'lng']} label={t('permits.lng')} rules={[{ required: true }]}>
              <InputNumber min={-180} max={180} step={0.0001} precision={6} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item noStyle shouldUpdate>
              {() => (
                <LocationPicker
                  testId="permit-site-pick"
                  value={pointOf(form.getFieldValue(['site', 'point']))}
                  onChange={(p) => form.setFieldsValue({ site: { point: p } })}
                />
              )}
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item name={['site', 'geofence', 'radiusM']} label={t('permits.radius')} rules={[{ required: true }]}>
              <InputNumber min={5} max={2000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="welderIds" label={t('permits.welders')} rules={[{ required: true }]}>
              <Select
                mode="multiple"
                loading={welders.loading}
                optionFilterProp="label"
                options={(welders.data?.items ?? []).map((w) => ({
                  value: w.id,
                  label: `${w.realName} · ${t(`certState.${w.certificateState}`)}`,
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="machineIds" label={t('permits.machines')} rules={[{ required: true }]}>
              <Select
                mode="multiple"
                loading={machines.loading}
                optionFilterProp="label"
                options={(machines.data?.items ?? [])
                  .filter((m) => m.status !== 'retired')
                  .map((m) => ({ value: m.id, label: `${m.name} · ${t(`machineStatus.${m.status}`)}` }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item
              name={['fireWatcher', 'personId']}
              label={t('permits.fireWatcher')}
              extra={t('permits.fireWatcherHint')}
              dependencies={['welderIds']}
              rules={[
                { required: true, message: t('permits.fireWatcherRequired') },
                ({ getFieldValue }) => ({
                  validator: (_r, v: string | undefined) =>
                    v && (getFieldValue('welderIds') ?? []).includes(v)
                      ? Promise.reject(new Error(t('permits.fireWatcherIsWelder')))
                      : Promise.resolve(),
                }),
              ]}
            >
              <Select
                showSearch
                loading={welders.loading}
                optionFilterProp="label"
                options={watcherOptions}
                notFoundContent={t('permits.fireWatcherNone')}
                data-testid="permit-fire-watcher"
              />
            </Form.Item>
          </Col>
        </Row>
        <Divider style={{ margin: '4px 0 12px' }}>{t('permits.checklist')}</Divider>
        <Form.Item name="checklist">
          <Checkbox.Group
            style={{ display: 'grid', gap: 6 }}
            options={CHECKLIST_KEYS.map((k, i) => ({ value: k, label: `${i < 5 ? '* ' : ''}${t(`checklist.${k}`)}` }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
