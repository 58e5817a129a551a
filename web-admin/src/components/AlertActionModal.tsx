import { Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../api/client';
import type { AlertView } from '../api/types';
import { useFormSubmit } from '../hooks/useFormSubmit';

export type AlertAction = 'acknowledge' | 'close';

/** Acknowledge (note optional) or close (note required) an alert. */
export function AlertActionModal({
  alert,
  action,
  onDone,
  onCancel,
}: {
  alert: AlertView | null;
  action: AlertAction;
  onDone: (a: AlertView) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note?: string }>();

  // The modal is open only with an alert, so `alert` is set whenever OK can be pressed.
  const { submit, busy } = useFormSubmit(
    form,
    ({ note }) =>
      apiFetch<AlertView>(`/api/alerts/${alert!.id}/${action}`, {
        method: 'POST',
        body: note?.trim() ? { note: note.trim() } : {},
      }),
    (updated) => onDone(updated),
  );

  return (
    <Modal
      open={!!alert}
      title={t(action === 'close' ? 'alerts.closeTitle' : 'alerts.acknowledgeTitle')}
      onOk={submit}
      onCancel={() => {
        form.resetFields();
        onCancel();
      }}
      confirmLoading={busy}
      okText={t(action === 'close' ? 'alerts.close' : 'alerts.acknowledge')}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="note"
          label={t('common.note')}
          rules={action === 'close' ? [{ required: true, whitespace: true, message: t('alerts.noteRequired') }] : []}
        >
          <Input.TextArea
            rows={3}
            maxLength={1000}
            placeholder={t('alerts.notePlaceholder')}
            data-testid="alert-note"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
