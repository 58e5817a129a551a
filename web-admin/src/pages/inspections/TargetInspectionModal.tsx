import { DatePicker, Form, Input, Modal, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import type { InspectionPlan } from './inspectionsApi';

/** A suspect of the off-platform audit, to be inspected (定向检查): which enterprise, from which list and row. */
export interface TargetSeed {
  enterpriseId: string;
  enterpriseName: string;
  /** The audit list (or 'ranking') the row belongs to. */
  list: string;
  /** What the row named, e.g. a machine's name; null for an enterprise row. */
  label: string | null;
}

interface TargetForm {
  reason: string;
  period: [Dayjs, Dayjs];
}

/**
 * 列为检查对象: one click from a suspect to a targeted inspection. The two inspectors are drawn by the
 * server; the plan is not published (四不两直).
 */
export function TargetInspectionModal({
  seed,
  onClose,
}: {
  seed: TargetSeed | null;
  onClose: (plan: InspectionPlan | null) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TargetForm>();
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch<InspectionPlan>('/api/inspection-plans/targeted', {
        method: 'POST',
        body: {
          enterpriseId: seed!.enterpriseId,
          reason: v.reason,
          periodStart: v.period[0].format('YYYY-MM-DD'),
          periodEnd: v.period[1].format('YYYY-MM-DD'),
          source: { list: seed!.list, label: seed!.label ?? undefined },
        },
      }),
    (plan) => onClose(plan),
  );
  const reason = seed
    ? t('inspections.targetedReason', {
        list: t(`offPlatform.tabs.${seed.list.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}`),
        label: seed.label ?? seed.enterpriseName,
      })
    : '';
  return (
    <Modal
      open={!!seed}
      title={t('inspections.targetTitle', { name: seed?.enterpriseName ?? '' })}
      okText={t('inspections.targetOk')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(null)}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('inspections.targetHint')}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ reason, period: [dayjs(), dayjs().add(7, 'day')] }}
        data-testid="target-form"
      >
        <Form.Item name="reason" label={t('inspections.reason')} rules={[{ required: true, whitespace: true }]}>
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} />
        </Form.Item>
        <Form.Item name="period" label={t('inspections.period')} rules={[{ required: true }]}>
          <DatePicker.RangePicker format="YYYY-MM-DD" style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
