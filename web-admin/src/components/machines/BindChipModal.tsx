import { Form, Input, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import type { MachineView } from '../../api/types';

/** 加芯: the chip id and public key as scanned from the chip's label. */
export function BindChipModal({
  machine,
  onClose,
}: {
  machine: MachineView | null;
  onClose: (changed: boolean) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ chipId: string; publicKey: string }>();
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch(`/api/machines/${machine!.id}/chip`, {
        method: 'POST',
        body: { chipId: v.chipId.trim().toUpperCase(), publicKey: v.publicKey.trim() },
      }),
    () => onClose(true),
  );

  return (
    <Modal
      open={!!machine}
      title={`${t('machines.bindChip')} · ${machine?.name ?? ''}`}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="chipId"
          label={t('machines.chipId')}
          rules={[{ required: true, pattern: /^[Cc][0-9A-Za-z]{20}$/, message: t('fieldErrorFor.chipId.matches') }]}
        >
          <Input placeholder="C7M2K9QW4XR8T1VZ3H5NB" maxLength={21} />
        </Form.Item>
        <Form.Item
          name="publicKey"
          label={t('machines.publicKey')}
          rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{43}$/, message: t('fieldErrorFor.publicKey.matches') }]}
        >
          <Input placeholder="O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik" maxLength={43} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
