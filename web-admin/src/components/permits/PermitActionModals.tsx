import { DatePicker, Form, Input, InputNumber, Modal } from 'antd';
import type { Dayjs } from 'dayjs';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { pickedChinaIso } from '../format';
import { GasField, gasRequestFields, useGasCatalogue } from './GasField';

export type PermitAction = 'approve' | 'reject' | 'cancel' | 'extend' | 'close' | 'gas';

type Values = {
  remark?: string;
  reason?: string;
  newEnd?: Dayjs;
  workStoppedAt?: Dayjs;
  fireWatchEndedAt?: Dayjs;
  takenAt?: Dayjs;
  gas?: string;
  readingPercentVol?: number;
  analyst?: string;
};

const dt = <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />;

/** One modal for every permit step that takes input; the server checks who may do it. */
export function PermitActionModal({
  permitId,
  action,
  onClose,
  notice,
}: {
  permitId: string;
  action: PermitAction | null;
  onClose: (done: boolean) => void;
  /** Shown above the fields (approve: what arming will need of gas analysis). */
  notice?: ReactNode;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const iso = (d?: Dayjs) => (d ? pickedChinaIso(d) : undefined);
  const catalogue = useGasCatalogue(action === 'gas');

  const { submit, busy } = useFormSubmit(
    form,
    (v) => {
      const calls: Record<PermitAction, [string, unknown]> = {
        approve: ['approve', v.remark ? { remark: v.remark } : {}],
        reject: ['reject', { reason: v.reason }],
        cancel: ['cancel', { reason: v.reason }],
        extend: ['extend', { newEnd: iso(v.newEnd), reason: v.reason }],
        close: ['close', { workStoppedAt: iso(v.workStoppedAt), fireWatchEndedAt: iso(v.fireWatchEndedAt) }],
        // The gas sets the pass mark (server/src/permits/gas-catalogue.ts); no class is sent.
        gas: [
          'gas-analyses',
          {
            takenAt: iso(v.takenAt),
            ...gasRequestFields(catalogue, v.gas),
            readingPercentVol: v.readingPercentVol,
            analyst: v.analyst,
          },
        ],
      };
      const [path, body] = calls[action!];
      return apiFetch(`/api/permits/${permitId}/${path}`, { method: 'POST', body });
    },
    () => onClose(true),
  );

  const titles: Record<PermitAction, string> = {
    approve: t('permits.approve'),
    reject: t('permits.reject'),
    cancel: t('permits.cancelPermit'),
    extend: t('permits.extend'),
    close: t('permits.closePermit'),
    gas: t('permits.addGas'),
  };
  const required = [{ required: true }];
  return (
    <Modal
      open={!!action}
      title={action ? titles[action] : ''}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
      okButtonProps={{ danger: action === 'reject' || action === 'cancel' }}
    >
      {notice}
      <Form form={form} layout="vertical">
        {action === 'approve' && (
          <Form.Item name="remark" label={t('permits.remark')}>
            <Input.TextArea rows={2} maxLength={500} placeholder="措施落实，同意动火" />
          </Form.Item>
        )}
        {(action === 'reject' || action === 'cancel' || action === 'extend') && (
          <Form.Item name="reason" label={t('common.reason')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        )}
        {action === 'extend' && (
          <Form.Item name="newEnd" label={t('permits.newEnd')} rules={required}>
            {dt}
          </Form.Item>
        )}
        {action === 'close' && (
          <>
            <Form.Item name="workStoppedAt" label={t('permits.workStoppedAt')} rules={required}>
              {dt}
            </Form.Item>
            <Form.Item
              name="fireWatchEndedAt"
              label={t('permits.fireWatchEndedAt')}
              extra={t('permits.closeHint')}
              rules={required}
            >
              {dt}
            </Form.Item>
          </>
        )}
        {action === 'gas' && (
          <>
            <Form.Item name="takenAt" label={t('permits.takenAt')} rules={required}>
              {dt}
            </Form.Item>
            <GasField catalogue={catalogue} />
            <Form.Item name="readingPercentVol" label={t('permits.reading')} rules={required}>
              <InputNumber min={0} max={100} step={0.01} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="analyst" label={t('permits.analyst')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={50} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
