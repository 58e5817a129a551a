import { Alert, Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { MachineView } from '../../api/types';
import { useFormSubmit } from '../../hooks/useFormSubmit';

export type MachineTarget = 'active' | 'suspended' | 'retired';

/** Activate, suspend or retire; suspending and retiring need a reason, retiring is final. */
export function MachineStatusModal({
  machine,
  target,
  onClose,
}: {
  machine: MachineView | null;
  target: MachineTarget;
  onClose: (changed: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason?: string }>();
  const needsReason = target !== 'active';

  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch(`/api/machines/${machine!.id}/status`, {
        method: 'POST',
        body: { status: target, ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}) },
      }),
    () => onClose(true),
  );

  const title =
    target === 'retired'
      ? t('machines.retireTitle')
      : target === 'suspended'
        ? t('machines.suspendTitle')
        : t('machines.activate');
  return (
    <Modal
      open={!!machine}
      title={`${title} · ${machine?.name ?? ''}`}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      okButtonProps={{ danger: target === 'retired' }}
      destroyOnHidden
    >
      {target === 'retired' && (
        <Alert type="warning" showIcon message={t('machines.retireWarning')} style={{ marginBottom: 12 }} />
      )}
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={t('common.reason')}
          rules={needsReason ? [{ required: true, whitespace: true, message: t('machines.reasonRequired') }] : []}
        >
          <Input.TextArea rows={3} maxLength={500} data-testid="status-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
