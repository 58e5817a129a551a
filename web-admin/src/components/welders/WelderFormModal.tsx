import { Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import type { WelderView } from '../../api/types';

/** Register a welder: the ID number and phone go to the server once and come back only masked. */
export function WelderFormModal({ open, onClose }: { open: boolean; onClose: (created: WelderView | null) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ realName: string; idNumber: string; phone?: string }>();
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch<WelderView>('/api/welders', {
        method: 'POST',
        body: {
          realName: v.realName.trim(),
          idNumber: v.idNumber.trim().toUpperCase(),
          ...(v.phone ? { phone: v.phone.trim() } : {}),
        },
      }),
    (created) => onClose(created),
  );

  return (
    <Modal
      open={open}
      title={t('welders.register')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(null)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" data-testid="welder-form">
        <Form.Item
          name="realName"
          label={t('welders.realName')}
          rules={[{ required: true, whitespace: true, max: 50 }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="idNumber"
          label={t('welders.idNumber')}
          rules={[{ required: true, pattern: /^\d{17}[\dXx]$/, message: t('welders.idNumberInvalid') }]}
        >
          <Input maxLength={18} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('welders.phone')}
          rules={[{ pattern: /^1\d{10}$/, message: t('welders.phoneInvalid') }]}
        >
          <Input maxLength={11} autoComplete="off" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
