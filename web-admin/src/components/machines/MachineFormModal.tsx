import { Form, Input, InputNumber, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { MachineView } from '../../api/types';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { machineKindValues } from '../../api/schema';

interface MachineForm {
  name: string;
  kind: MachineView['kind'];
  manufacturer: string;
  model: string;
  serialNumber: string;
  ratedInputKva?: number | null;
  ratedCurrentA?: number | null;
}

/**
 * Register a machine, or edit the descriptive fields of `machine`. The rated input (required) and
 * the rated current (optional) are asked for only for electric machines (gas sets have neither).
 */
export function MachineFormModal({
  open,
  machine,
  onClose,
}: {
  open: boolean;
  machine?: MachineView | null;
  onClose: (saved: MachineView | null) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<MachineForm>();
  const kind = Form.useWatch('kind', form);
  const electric = kind === 'electric_arc' || kind === 'resistance';

  const { submit, busy } = useFormSubmit(
    form,
    (v) => {
      const body = {
        ...v,
        ratedInputKva: electric ? v.ratedInputKva : null,
        ratedCurrentA: electric ? (v.ratedCurrentA ?? null) : null,
      };
      return machine
        ? apiFetch<MachineView>(`/api/machines/${machine.id}`, { method: 'PATCH', body })
        : apiFetch<MachineView>('/api/machines', { method: 'POST', body });
    },
    (saved) => onClose(saved),
  );
  const initial: Partial<MachineForm> = machine
    ? {
        name: machine.name,
        kind: machine.kind,
        manufacturer: machine.manufacturer,
        model: machine.model,
        serialNumber: machine.serialNumber,
        ratedInputKva: machine.ratedInputKva,
        ratedCurrentA: machine.ratedCurrentA,
      }
    : { kind: 'electric_arc' };

  return (
    <Modal
      open={open}
      title={t(machine ? 'machines.edit' : 'machines.register')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(null)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={initial} preserve={false} data-testid="machine-form">
        <Form.Item name="name" label={t('machines.name')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} placeholder={t('machines.nameExample')} />
        </Form.Item>
        <Form.Item name="kind" label={t('machines.kind')} rules={[{ required: true }]}>
          <Select options={machineKindValues.map((k) => ({ value: k, label: t(`machineKind.${k}`) }))} />
        </Form.Item>
        <Form.Item
          name="manufacturer"
          label={t('machines.manufacturer')}
          rules={[{ required: true, whitespace: true }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="model" label={t('machines.model')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="serialNumber"
          label={t('machines.serialNumber')}
          rules={[{ required: true, whitespace: true }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        {electric && (
          <Form.Item
            name="ratedInputKva"
            label={t('machines.ratedInput')}
            extra={t('machines.ratedInputHint')}
            rules={[{ required: true }]}
          >
            <InputNumber min={0.01} max={10000} step={0.1} precision={2} style={{ width: '100%' }} />
          </Form.Item>
        )}
        {electric && (
          <Form.Item name="ratedCurrentA" label={t('machines.ratedCurrent')} extra={t('machines.ratedCurrentHint')}>
            <InputNumber
              min={1}
              max={2000}
              step={1}
              precision={0}
              style={{ width: '100%' }}
              data-testid="machine-rated-current"
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
