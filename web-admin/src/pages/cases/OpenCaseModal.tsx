import { Alert, Checkbox, Divider, Form, Input, InputNumber, Modal, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { apiFetch, type Paginated } from '../../api/client';
import type { MachineView } from '../../api/types';
import { useApi } from '../../hooks/useApi';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { casePath, type CaseSource, type CaseView } from './casesApi';

interface CaseForm {
  legalBasis: string;
  facts: string;
  warning?: boolean;
  fine?: boolean;
  fineYuan?: number;
  productionHalt?: boolean;
  suspendMachineIds?: string[];
  secondPartyName?: string;
  secondPartyRole?: string;
}

/**
 * 立案: opened from a hazard (its legal basis, description and machine prefilled) or from an enterprise drawn
 * for an inspection. The decision: 警告, 罚款 with the amount, 暂停使用 of the enterprise's machines (suspended in
 * the registry at once), 停产整顿; and the 一案双罚 responsible person.
 */
export function OpenCaseModal({ source, onClose }: { source: CaseSource | null; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<CaseForm>();
  const machines = useApi<Paginated<MachineView>>(source ? '/api/machines' : null, {
    query: { enterpriseId: source?.enterpriseId, status: 'active', pageSize: 100 },
  });
  const { submit, busy } = useFormSubmit(
    form,
    (v) => {
      if (!source) throw new Error('no source');
      return apiFetch<CaseView>('/api/cases', {
        method: 'POST',
        body: {
          ...(source.kind === 'hazard'
            ? { hazardId: source.hazardId }
            : { inspectionPlanId: source.planId, inspectionPosition: source.position }),
          legalBasis: v.legalBasis,
          facts: v.facts,
          warning: !!v.warning,
          fineYuan: v.fine ? v.fineYuan : undefined,
          productionHalt: !!v.productionHalt,
          suspendMachineIds: v.suspendMachineIds?.length ? v.suspendMachineIds : undefined,
          secondParty: v.secondPartyName?.trim()
            ? { name: v.secondPartyName.trim(), role: v.secondPartyRole?.trim() ?? '' }
            : undefined,
        },
      });
    },
    (c) => {
      onClose();
      void navigate(casePath(c.id));
    },
  );
  const fine = Form.useWatch('fine', form);
  const secondName = Form.useWatch('secondPartyName', form);

  return (
    <Modal
      open={!!source}
      title={t('cases.openTitle')}
      okText={t('cases.open')}
      okButtonProps={{ 'data-testid': 'case-submit' }}
      onOk={() => void submit()}
      confirmLoading={busy}
      onCancel={onClose}
      width={640}
      destroyOnHidden
    >
      {source && (
        <Form
          form={form}
          layout="vertical"
          data-testid="case-form"
          initialValues={{
            legalBasis: source.kind === 'hazard' ? (source.legalBasis ?? '') : '',
            facts: source.kind === 'hazard' ? (source.facts ?? '') : '',
            suspendMachineIds: source.kind === 'hazard' && source.machineId ? [source.machineId] : [],
          }}
        >
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            message={
              source.kind === 'hazard'
                ? t('cases.fromHazard', { enterprise: source.enterpriseName })
                : t('cases.fromInspection', { enterprise: source.enterpriseName, position: source.position })
            }
          />
          <Form.Item
            name="legalBasis"
            label={t('cases.legalBasis')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('common.required') }]}
          >
            <Input maxLength={500} placeholder={t('cases.legalBasisExample')} data-testid="case-legal-basis" />
          </Form.Item>
          <Form.Item
            name="facts"
            label={t('cases.facts')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('common.required') }]}
          >
            <Input.TextArea rows={3} maxLength={2000} showCount data-testid="case-facts" />
          </Form.Item>
          <Divider titlePlacement="start" plain>
            {t('cases.decision')}
          </Divider>
          <Form.Item name="warning" valuePropName="checked" style={{ marginBottom: 8 }}>
            <Checkbox data-testid="case-warning">{t('caseDecision.warning')}</Checkbox>
          </Form.Item>
          <Space align="start" wrap>
            <Form.Item name="fine" valuePropName="checked" style={{ marginBottom: 8 }}>
              <Checkbox data-testid="case-fine">{t('caseDecision.fine')}</Checkbox>
            </Form.Item>
            {fine && (
              <Form.Item
                name="fineYuan"
                rules={[{ required: true, message: t('cases.fineRequired') }]}
                style={{ marginBottom: 8 }}
              >
                <InputNumber
                  min={1}
                  max={100_000_000}
                  precision={2}
                  addonAfter={t('cases.yuan')}
                  style={{ width: 200 }}
                  data-testid="case-fine-amount"
                />
              </Form.Item>
            )}
          </Space>
          <Form.Item name="productionHalt" valuePropName="checked" style={{ marginBottom: 8 }}>
            <Checkbox data-testid="case-halt">{t('caseDecision.production_halt')}</Checkbox>
          </Form.Item>
          <Form.Item
            name="suspendMachineIds"
            label={t('caseDecision.machine_suspension')}
            extra={t('cases.suspendHint')}
          >
            <Select
              mode="multiple"
              allowClear
              loading={machines.loading}
              placeholder={t('cases.suspendPlaceholder')}
              optionFilterProp="label"
              data-testid="case-machines"
              options={(machines.data?.items ?? []).map((m) => ({
                value: m.id,
                label: `${m.name}（${m.serialNumber}）`,
              }))}
            />
          </Form.Item>
          <Divider titlePlacement="start" plain>
            {t('cases.secondParty')}
          </Divider>
          <Typography.Paragraph type="secondary">{t('cases.secondPartyHint')}</Typography.Paragraph>
          <Space align="start" wrap>
            <Form.Item name="secondPartyName" label={t('cases.secondPartyName')}>
              <Input maxLength={50} style={{ width: 200 }} data-testid="case-second-name" />
            </Form.Item>
            <Form.Item
              name="secondPartyRole"
              label={t('cases.secondPartyRole')}
              rules={[{ required: !!secondName?.trim(), whitespace: true, message: t('common.required') }]}
            >
              <Input
                maxLength={60}
                style={{ width: 200 }}
                placeholder={t('cases.secondPartyRoleExample')}
                data-testid="case-second-role"
              />
            </Form.Item>
          </Space>
        </Form>
      )}
    </Modal>
  );
}
