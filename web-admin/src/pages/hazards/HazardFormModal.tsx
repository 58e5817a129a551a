import { App, Checkbox, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch, type Paginated } from '../../api/client';
import type { EnterpriseView } from '../../api/types';
import { useApi } from '../../hooks/useApi';
import { errorText, formFieldErrors } from '../../i18n/errors';
import { HazardPhotoInput } from './HazardPhotoInput';
import { currentPosition, HAZARD_CATEGORIES, HAZARD_LEVELS, multipart, type HazardDetail } from './hazardsApi';
import type { HazardCategory } from './hazardsApi';

/** A regulator's finding started from a row elsewhere (the off-platform audit): who, what, and a first description. */
export interface HazardSeed {
  enterpriseId: string;
  enterpriseName: string;
  machineId?: string;
  welderId?: string;
  permitId?: string;
  category: HazardCategory;
  description: string;
}

interface Values {
  enterpriseId?: string;
  category: string;
  level: string;
  description: string;
  legalBasis?: string;
  photos?: File[];
  gps?: boolean;
}

/** 企业自查上报 (an enterprise's own finding) or 督导检查发现 (a regulator's finding, for a chosen enterprise). */
export function HazardFormModal({
  open,
  regulator,
  onClose,
  onCreated,
  seed,
}: {
  open: boolean;
  regulator: boolean;
  seed?: HazardSeed | null;
  onClose: () => void;
  onCreated: (h: HazardDetail) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const enterprises = useApi<Paginated<EnterpriseView>>(open && regulator ? '/api/enterprises' : null, {
    query: { pageSize: 200 },
  });

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const where = v.gps ? await currentPosition() : null;
      const created = await apiFetch<HazardDetail>('/api/hazards', {
        method: 'POST',
        body: multipart(
          {
            enterpriseId: regulator ? v.enterpriseId : undefined,
            machineId: seed?.machineId,
            welderId: seed?.welderId,
            permitId: seed?.permitId,
            category: v.category,
            level: v.level,
            description: v.description,
            legalBasis: v.legalBasis,
            latitude: where?.latitude,
            longitude: where?.longitude,
          },
          v.photos ?? [],
        ),
      });
      void message.success(t('hazards.created'));
      form.resetFields();
      onCreated(created);
    } catch (e) {
      form.setFields(
        formFieldErrors(t, e).map((f) => ({
          name: (String(f.name[0]).startsWith('photos') ? ['photos'] : f.name) as never,
          errors: f.errors,
        })),
      );
      void message.error(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={regulator ? t('hazards.register') : t('hazards.report')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.submit')}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'hazard-form-submit' }}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={
          seed
            ? {
                level: 'general',
                enterpriseId: seed.enterpriseId,
                category: seed.category,
                description: seed.description,
              }
            : { level: 'general' }
        }
        data-testid="hazard-form"
      >
        {regulator && (
          <Form.Item
            name="enterpriseId"
            label={t('hazards.enterprise')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Select
              showSearch
              optionFilterProp="label"
              loading={enterprises.loading}
              disabled={!!seed}
              data-testid="hazard-form-enterprise"
              options={
                seed
                  ? [{ value: seed.enterpriseId, label: seed.enterpriseName }]
                  : (enterprises.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))
              }
            />
          </Form.Item>
        )}
        <Form.Item
          name="category"
          label={t('hazards.category')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Select
            data-testid="hazard-form-category"
            options={HAZARD_CATEGORIES.map((c) => ({ value: c, label: t(`hazardCategory.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="level" label={t('hazards.level')} rules={[{ required: true }]}>
          <Select options={HAZARD_LEVELS.map((l) => ({ value: l, label: t(`hazardLevel.${l}`) }))} />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('hazards.description')}
          rules={[{ required: true, min: 5, message: t('fieldError.minLength', { constraint1: 5 }) }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="hazard-form-description" />
        </Form.Item>
        <Form.Item name="legalBasis" label={t('hazards.legalBasis')}>
          <Input maxLength={500} />
        </Form.Item>
        <Form.Item name="photos" label={t('hazards.photos')}>
          <HazardPhotoInput testId="hazard-form-photos" />
        </Form.Item>
        <Form.Item name="gps" valuePropName="checked">
          <Checkbox>{t('hazards.gps')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
