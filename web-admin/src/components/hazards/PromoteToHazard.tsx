import { App, Button, Form, Input, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, apiFetch, type Paginated } from '../../api/client';
import { hazardCategoryValues, hazardLevelValues, type components } from '../../api/schema';
import type { EnterpriseView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useApi } from '../../hooks/useApi';
import { errorText, formFieldErrors } from '../../i18n/errors';

type HazardSummary = components['schemas']['HazardSummaryView'];

interface Values {
  category?: string;
  level: string;
  description?: string;
  enterpriseId?: string;
}

/**
 * 转为隐患: a regulator turns a platform alert (线上巡查执法) or a confirmed public report (群众举报查实)
 * into a hazard in one click; once it is one, the button opens it instead.
 */
export function PromoteToHazard({
  source,
  id,
  needsEnterprise = false,
}: {
  source: 'alert' | 'report';
  id: string;
  /** A report nobody could place: the regulator names the enterprise the check found. */
  needsEnterprise?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const regulator = user?.role === 'regulator';
  const existing = useApi<Paginated<HazardSummary>>(regulator ? '/api/hazards' : null, {
    query: { [source === 'alert' ? 'sourceAlertId' : 'sourceReportId']: id, pageSize: 1 },
  });
  const enterprises = useApi<Paginated<EnterpriseView>>(regulator && needsEnterprise ? '/api/enterprises' : null, {
    query: { pageSize: 200 },
  });
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  // The hazard just registered: shown from the answer itself, not from a second request that could fail.
  const [created, setCreated] = useState<{ id: string; from: string } | null>(null);
  const [form] = Form.useForm<Values>();
  if (!regulator) return null;
  const hazard = (created?.from === id ? created : undefined) ?? existing.data?.items[0];
  if (!hazard && existing.loading) return null;
  if (hazard)
    return (
      <Link to={`/console/hazards?open=${hazard.id}`} data-testid="hazard-promoted-link">
        {t('hazards.promoted')} · {t('hazards.openHazard')}
      </Link>
    );

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const saved = await apiFetch<components['schemas']['HazardDetailView']>(`/api/hazards/from-${source}/${id}`, {
        method: 'POST',
        body: {
          level: v.level,
          category: v.category,
          description: v.description?.trim() || undefined,
          enterpriseId: v.enterpriseId,
        },
      });
      void message.success(t('hazards.created'));
      setOpen(false);
      setCreated({ id: saved.id, from: id });
    } catch (e) {
      // Someone turned it into a hazard meanwhile: the link to theirs replaces the button.
      if (e instanceof ApiError && e.code === 'DUPLICATE') {
        setOpen(false);
        existing.reload();
        void message.warning(t('hazards.promotedMeanwhile'));
        return;
      }
      form.setFields(formFieldErrors(t, e).map((f) => ({ name: f.name as never, errors: f.errors })));
      void message.error(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space>
      <Button type="primary" danger onClick={() => setOpen(true)} data-testid="hazard-promote">
        {t('hazards.promote')}
      </Button>
      <Modal
        open={open}
        title={source === 'alert' ? t('hazards.promoteTitle') : t('hazards.promoteReportTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => void submit()}
        okText={t('common.submit')}
        confirmLoading={busy}
        okButtonProps={{ 'data-testid': 'hazard-promote-submit' }}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ level: 'general' }}>
          {needsEnterprise && (
            <Form.Item
              name="enterpriseId"
              label={t('hazards.enterprise')}
              rules={[{ required: true, message: t('common.required') }]}
            >
              <Select
                showSearch
                optionFilterProp="label"
                options={(enterprises.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))}
              />
            </Form.Item>
          )}
          <Form.Item
            name="category"
            label={t('hazards.category')}
            rules={source === 'report' ? [{ required: true, message: t('common.required') }] : []}
          >
            <Select
              allowClear
              placeholder={source === 'alert' ? t('hazards.categoryDefault') : undefined}
              data-testid="hazard-promote-category"
              options={hazardCategoryValues.map((c) => ({ value: c, label: t(`hazardCategory.${c}`) }))}
            />
          </Form.Item>
          <Form.Item name="level" label={t('hazards.level')} rules={[{ required: true }]}>
            <Select
              data-testid="hazard-promote-level"
              options={hazardLevelValues.map((l) => ({ value: l, label: t(`hazardLevel.${l}`) }))}
            />
          </Form.Item>
          <Form.Item name="description" label={t('hazards.description')} extra={t('hazards.descriptionDefault')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
