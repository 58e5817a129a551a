import { Alert, DatePicker, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ApiError, apiFetch } from '../../api/client';
import { ShownError } from '../../i18n/errors';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { chinaToday } from '../format';
import { certificateSubOperationValues } from '../../api/schema';

const day = (d: Dayjs | undefined | null) => (d ? d.format('YYYY-MM-DD') : undefined);

/** Enter a certificate by hand: expiry and review dates are computed by the server. */
export function CertificateModal({
  welderId,
  open,
  onClose,
}: {
  welderId: string;
  open: boolean;
  onClose: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{
    subOperation: string;
    issuedOn: Dayjs;
    lastReviewedOn?: Dayjs;
    issuingAuthority?: string;
  }>();
  const { submit, busy } = useFormSubmit(
    form,
    async (v) => {
      try {
        return await apiFetch(`/api/welders/${welderId}/certificates`, {
          method: 'POST',
          body: {
            subOperation: v.subOperation,
            issuedOn: day(v.issuedOn),
            ...(v.lastReviewedOn ? { lastReviewedOn: day(v.lastReviewedOn) } : {}),
            ...(v.issuingAuthority ? { issuingAuthority: v.issuingAuthority } : {}),
          },
        });
      } catch (e) {
        // The server's refusal for a welder only dispatched here, said in the user's language.
        if (e instanceof ApiError && e.fields.some((f) => f.code === 'notEmployer'))
          throw new ShownError(t('welders.notEmployer'));
        throw e;
      }
    },
    () => onClose(true),
  );
  return (
    <Modal
      open={open}
      title={t('welders.addCertificate')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Alert
        type="info"
        showIcon
        message={t('welders.certificateVerificationNotice')}
        style={{ marginBottom: 12 }}
        data-testid="certificate-verification-notice"
      />
      <Form form={form} layout="vertical" initialValues={{ subOperation: 'fusion_welding_and_thermal_cutting' }}>
        <Form.Item name="subOperation" label={t('welders.subOperation')} rules={[{ required: true }]}>
          <Select options={certificateSubOperationValues.map((s) => ({ value: s, label: t(`subOperation.${s}`) }))} />
        </Form.Item>
        <Form.Item name="issuedOn" label={t('welders.issuedOn')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="lastReviewedOn" label={t('welders.lastReviewedOn')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="issuingAuthority" label={t('welders.issuingAuthority')}>
          <Input maxLength={100} placeholder={t('welders.authorityExample')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function TrainingModal({
  welderId,
  open,
  tiers,
  onClose,
}: {
  welderId: string;
  open: boolean;
  tiers: string[];
  onClose: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{
    tier: string;
    course: string;
    hours: number;
    completedOn: Dayjs;
    provider?: string;
    passed: boolean;
  }>();
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch(`/api/welders/${welderId}/trainings`, {
        method: 'POST',
        body: {
          tier: v.tier,
          course: v.course,
          hours: v.hours,
          completedOn: day(v.completedOn),
          passed: !!v.passed,
          ...(v.provider ? { provider: v.provider } : {}),
        },
      }),
    () => onClose(true),
  );
  return (
    <Modal
      open={open}
      title={t('welders.addTraining')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ tier: tiers[0], passed: true }}>
        <Form.Item name="tier" label={t('welders.tier')} rules={[{ required: true }]}>
          <Select options={tiers.map((s) => ({ value: s, label: t(`trainingTier.${s}`) }))} />
        </Form.Item>
        <Form.Item name="course" label={t('welders.course')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} placeholder={t('welders.courseExample')} />
        </Form.Item>
        <Form.Item name="hours" label={t('welders.hours')} rules={[{ required: true }]}>
          <InputNumber min={0.1} max={9999} step={0.5} precision={1} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="completedOn" label={t('welders.completedOn')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="provider" label={t('welders.provider')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="passed" label={t('welders.passed')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** End an engagement early: the last day (today at the earliest) and why. The server refuses while a permit still names the welder. */
export function EndEngagementModal({
  welderId,
  engagementId,
  onClose,
}: {
  welderId: string;
  engagementId: string | null;
  onClose: (saved: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ endsOn: Dayjs; reason?: string }>();
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch(`/api/welders/${welderId}/engagements/${engagementId}/end`, {
        method: 'POST',
        body: { endsOn: day(v.endsOn), ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}) },
      }),
    () => onClose(true),
  );
  return (
    <Modal
      open={!!engagementId}
      title={t('welders.endEngagementTitle')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      {/* "Today" is the China date the server enforces, not the browser's (a browser abroad or on UTC is a day behind after 16:00 UTC). */}
      <Form form={form} layout="vertical" initialValues={{ endsOn: dayjs(chinaToday()) }}>
        <Form.Item
          name="endsOn"
          label={t('welders.endEngagementLastDay')}
          rules={[{ required: true }]}
          extra={t('welders.endEngagementHint')}
        >
          <DatePicker
            style={{ width: '100%' }}
            disabledDate={(d) => d.isBefore(dayjs(chinaToday()), 'day')}
            data-testid="end-engagement-date"
          />
        </Form.Item>
        <Form.Item name="reason" label={t('welders.endEngagementReason')}>
          <Input.TextArea maxLength={500} rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
