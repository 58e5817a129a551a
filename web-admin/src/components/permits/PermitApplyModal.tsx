import {
  Alert,
  Button,
  Checkbox,
  Col,
  DatePicker,
  Divider,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import { PERMIT_LEVELS, type EnterpriseView, type PermitDetail, type PermitSummary } from '../../api/types';
import { useSession } from '../../auth/session';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { fmtTime, pickedChinaIso } from '../format';
import { LocationPicker, pointOf } from '../map/LocationPicker';
import {
  gasRulesText,
  machineOptions,
  submitBlockers,
  watcherOptions,
  welderOptions,
  type FormGuide,
} from './permit-guide';

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

/** The form's values of a saved draft (editing it). */
function valuesOf(p: PermitDetail): Partial<ApplyForm> {
  return {
    level: p.requestedLevel,
    workDescription: p.workDescription,
    site: {
      address: p.site.address,
      point: { lat: p.site.point.lat, lng: p.site.point.lng },
      geofence: { radiusM: p.site.geofence.radiusM ?? 50 },
    },
    plannedStart: dayjs(p.plannedStart),
    plannedEnd: dayjs(p.plannedEnd),
    welderIds: p.welders.map((w) => w.id),
    machineIds: p.machines.map((m) => m.id),
    fireWatcher: { personId: p.fireWatcher?.personId ?? '' },
    checklist: p.checklist.filter((c) => c.checked).map((c) => c.key),
  };
}

/**
 * Apply for a hot-work permit, or edit a draft (or a rejected permit): saved as a draft, then
 * (optionally at once) submitted for approval. The form asks the server for the window's guide
 * first, so that welders and machines that cannot work then are disabled with the reason, and the
 * level's maximum window, the gas rules and the approvers are shown before anything is submitted.
 */
export function PermitApplyModal({
  open,
  onClose,
  permit,
}: {
  open: boolean;
  onClose: (saved: PermitSummary | null) => void;
  /** Editing this draft instead of applying anew. */
  permit?: PermitDetail | null;
}) {
  const { t } = useTranslation();
  const { user } = useSession();
  const [form] = Form.useForm<ApplyForm>();
  const report = useErrorReporter();
  const [busy, setBusy] = useState<'draft' | 'submit' | null>(null);
  const editing = !!permit;
  const enterprise = useApi<EnterpriseView & { latitude: number | null; longitude: number | null }>(
    open && user?.enterpriseId && !editing ? `/api/enterprises/${user.enterpriseId}` : null,
  );
  const level = Form.useWatch('level', form);
  const start = Form.useWatch('plannedStart', form);
  const end = Form.useWatch('plannedEnd', form);
  const windowSet = !!level && !!start && !!end && end.isAfter(start);
  const guideState = useApi<FormGuide>(open && windowSet ? '/api/permits/form-guide' : null, {
    query: windowSet
      ? {
          level,
          plannedStart: pickedChinaIso(start),
          plannedEnd: pickedChinaIso(end),
          ...(permit ? { enterpriseId: permit.enterpriseId } : {}),
        }
      : undefined,
  });
  const guide = windowSet ? guideState.data : null;
  useEffect(() => {
    if (open && permit) form.setFieldsValue(valuesOf(permit));
  }, [open, permit, form]);

  const save = async (submit: boolean) => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(submit ? 'submit' : 'draft');
    let created: PermitSummary | null = null;
    try {
      const checklist = Object.fromEntries(CHECKLIST_KEYS.map((k) => [k, v.checklist?.includes(k) ?? false]));
      created = await apiFetch<PermitSummary>(editing ? `/api/permits/${permit.id}` : '/api/permits', {
        method: editing ? 'PATCH' : 'POST',
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
  const chosenMachines = Form.useWatch('machineIds', form) ?? [];
  const watchers = watcherOptions(guide?.welders ?? [], chosenWelders);
  const blockers = submitBlockers(guide ?? null, { welderIds: chosenWelders, machineIds: chosenMachines }, t);
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
      title={editing ? t('permits.editTitle', { no: permit.permitNo }) : t('permits.apply')}
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
            disabled={!!busy || !guide || blockers.length > 0}
            title={!guide ? t('permitGuide.pickWindowFirst') : blockers.length ? blockers.join('；') : undefined}
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
                loading={guideState.loading}
                optionFilterProp="label"
                notFoundContent={windowSet ? undefined : t('permitGuide.pickWindowFirst')}
                options={welderOptions(guide?.welders ?? [], t)}
                data-testid="permit-welders"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="machineIds" label={t('permits.machines')} rules={[{ required: true }]}>
              <Select
                mode="multiple"
                loading={guideState.loading}
                optionFilterProp="label"
                notFoundContent={windowSet ? undefined : t('permitGuide.pickWindowFirst')}
                options={machineOptions(guide?.machines ?? [], t)}
                data-testid="permit-machines"
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
                loading={guideState.loading}
                optionFilterProp="label"
                options={watchers}
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
        <Divider style={{ margin: '4px 0 12px' }}>{t('permitGuide.title')}</Divider>
        <PermitGuidePanel guide={guide ?? null} blockers={blockers} />
      </Form>
    </Modal>
  );
}

/** Before submit: the effective level and its longest window, the gas analysis rules and who signs. */
function PermitGuidePanel({ guide, blockers }: { guide: FormGuide | null; blockers: string[] }) {
  const { t } = useTranslation();
  if (!guide) return <Typography.Text type="secondary">{t('permitGuide.pickWindowFirst')}</Typography.Text>;
  const level = t(`permitLevel.${guide.effectiveLevel}`);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="permit-guide">
      <Alert
        type={guide.windowFits ? 'info' : 'error'}
        showIcon
        message={t('permitGuide.maxWindow', { level, hours: guide.maxWindowHours, latest: fmtTime(guide.latestEnd) })}
        description={
          guide.upgradeReasons.length > 0
            ? t('permitGuide.upgraded', {
                from: t(`permitLevel.${guide.requestedLevel}`),
                level,
                reasons: guide.upgradeReasons.map((r) => r.label).join('、'),
              })
            : undefined
        }
      />
      <Alert type="warning" showIcon message={t('permitGuide.gasTitle')} description={gasRulesText(guide.gas, t)} />
      <div data-testid="permit-guide-approvers">
        <Typography.Text strong>{t('permitGuide.approversTitle')}</Typography.Text>
        <ol style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
          {guide.approvers.map((a, i) => (
            <li key={`${a.position}-${i}`}>
              {a.holders.length ? (
                t('permitGuide.approverStep', {
                  position: t(`position.${a.position}`),
                  holders: a.holders.map((h) => h.displayName).join(t('permitGuide.nameJoin')),
                })
              ) : (
                <>
                  {t(`position.${a.position}`)}{' '}
                  <Typography.Text type="danger">{t('permitGuide.approverNobody')}</Typography.Text>
                </>
              )}
            </li>
          ))}
        </ol>
      </div>
      {blockers.length > 0 && (
        <Alert
          type="error"
          showIcon
          data-testid="permit-blockers"
          message={t('permitGuide.blockersTitle')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {blockers.map((b) => (
                <li key={b}>{b}</li>
              ))}
            </ul>
          }
        />
      )}
    </Space>
  );
}
