import { Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../api/client';
import type { AlertView } from '../api/types';
import { useErrorReporter } from '../hooks/useApi';

export type AlertAction = 'acknowledge' | 'close';

/** Acknowledge (note optional) or close (note required) an alert. */
export function AlertActionModal({ alert, action, onDone, onCancel }: { alert: AlertView | null; action: AlertAction; onDone: (a: AlertView) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note?: string }>();
  const [busy, setBusy] = useState(false);
  const report = useErrorReporter();

  const submit = async () => {
    if (!alert) return;
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const { note } = values;
    setBusy(true);
    try {
      const body = note?.trim() ? { note: note.trim() } : {};
      const updated = await apiFetch<AlertView>(`/api/alerts/${alert.id}/${action}`, { method: 'POST', body });
      form.resetFields();
      onDone(updated);
    } catch (e) {
      report(e, form);
    } finally {
      setBusy(false);
    }
  };

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
          <Input.TextArea rows={3} maxLength={1000} placeholder={t('alerts.notePlaceholder')} data-testid="alert-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
