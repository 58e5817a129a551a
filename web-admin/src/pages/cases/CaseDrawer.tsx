import { Alert, App, Button, Checkbox, Descriptions, Drawer, Form, Input, List, Skeleton, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { apiFetch } from '../../api/client';
import { useSession } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { EnumTag } from '../../components/tags';
import { ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { errorText, formFieldErrors } from '../../i18n/errors';
import { CASE_STATE_COLOUR, decisionKinds, money, type CaseView } from './casesApi';

/** One case: legal basis, facts, decision (with the machines it suspended), 一案双罚, source and closure. */
export function CaseDrawer({
  id,
  onClose,
  onChanged,
}: {
  id: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const { data, error, loading, reload } = useApi<CaseView>(id ? `/api/cases/${id}` : null);
  const [form] = Form.useForm<{ note?: string; liftSuspension?: boolean }>();
  const [busy, setBusy] = useState(false);

  const close = async () => {
    if (!data) return;
    const v = form.getFieldsValue();
    if (!v.note?.trim() || v.note.trim().length < 2) {
      form.setFields([{ name: 'note', errors: [t('cases.closeNoteRequired')] }]);
      return;
    }
    setBusy(true);
    try {
      await apiFetch(`/api/cases/${data.id}/close`, {
        method: 'POST',
        body: { note: v.note.trim(), liftSuspension: !!v.liftSuspension },
      });
      form.resetFields();
      void message.success(t('cases.closed'));
      reload();
      onChanged();
    } catch (e) {
      form.setFields(formFieldErrors(t, e).map((x) => ({ name: 'note' as const, errors: x.errors })));
      void message.error(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      width={Math.min(640, window.innerWidth)}
      title={t('cases.detail')}
      destroyOnHidden
    >
      {loading && !data && <Skeleton active paragraph={{ rows: 8 }} />}
      {error != null && <ErrorState error={error} onRetry={reload} />}
      {data && (
        <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="case-detail">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('cases.state')}>
              <Tag color={CASE_STATE_COLOUR[data.state]} data-testid="case-state">
                {t(`caseState.${data.state}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('cases.enterprise')}>
              {data.enterpriseName}
              {data.regionName ? ` · ${data.regionName}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('cases.source')}>
              {t(`caseSource.${data.sourceType}`)}
              {data.sourceHazardId && (
                <Link
                  to={`/console/hazards?open=${data.sourceHazardId}`}
                  style={{ marginLeft: 8 }}
                  data-testid="case-source-hazard"
                >
                  {t('cases.openHazard')}
                </Link>
              )}
              {data.sourceInspection && (
                <Link
                  to={`/console/inspections?open=${data.sourceInspection.planId}`}
                  style={{ marginLeft: 8 }}
                  data-testid="case-source-inspection"
                >
                  {t('cases.openInspection', {
                    title: data.sourceInspection.planTitle,
                    position: data.sourceInspection.position,
                  })}
                </Link>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('cases.legalBasis')}>{data.legalBasis}</Descriptions.Item>
            <Descriptions.Item label={t('cases.facts')}>{data.facts}</Descriptions.Item>
            <Descriptions.Item label={t('cases.decision')}>
              <Space direction="vertical" size={4} data-testid="case-decision">
                {decisionKinds(data).map((k) => (
                  <div key={k}>
                    <Tag color={k === 'warning' ? 'default' : 'volcano'}>{t(`caseDecision.${k}`)}</Tag>
                    {k === 'fine' && data.fineYuan !== null && (
                      <span data-testid="case-fine">
                        {t('cases.fineAmount', { amount: money(data.fineYuan, i18n.language) })}
                      </span>
                    )}
                  </div>
                ))}
              </Space>
            </Descriptions.Item>
            {data.suspendedMachines.length > 0 && (
              <Descriptions.Item label={t('cases.suspendedMachines')}>
                <List
                  size="small"
                  split={false}
                  dataSource={data.suspendedMachines}
                  data-testid="case-machines-list"
                  renderItem={(m) => (
                    <List.Item style={{ padding: '2px 0' }}>
                      <Space wrap>
                        <Link to={`/console/ledgers/machines?q=${encodeURIComponent(m.serialNumber)}`}>
                          {m.name}（{m.serialNumber}）
                        </Link>
                        <EnumTag kind="machineStatus" value={m.status} />
                      </Space>
                    </List.Item>
                  )}
                />
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('cases.secondParty')}>
              {data.secondParty ? `${data.secondParty.nameMasked}（${data.secondParty.role}）` : t('common.none')}
            </Descriptions.Item>
            <Descriptions.Item label={t('cases.openedBy')}>
              {data.openedByName} · {fmtTime(data.openedAt)}
            </Descriptions.Item>
            {data.state === 'closed' && (
              <>
                <Descriptions.Item label={t('cases.closedBy')}>
                  {data.closedByName} · {fmtTime(data.closedAt)}
                </Descriptions.Item>
                <Descriptions.Item label={t('cases.closureNote')}>{data.closureNote}</Descriptions.Item>
                {data.suspensionLifted !== null && (
                  <Descriptions.Item label={t('cases.suspension')}>
                    {t(data.suspensionLifted ? 'cases.suspensionLifted' : 'cases.suspensionKept')}
                  </Descriptions.Item>
                )}
              </>
            )}
          </Descriptions>
          {data.state === 'open' && user?.role === 'regulator' && (
            <Form form={form} layout="vertical" data-testid="case-close-form" initialValues={{ liftSuspension: true }}>
              <Form.Item name="note" label={t('cases.closureNote')}>
                <Input.TextArea rows={3} maxLength={2000} showCount data-testid="case-close-note" />
              </Form.Item>
              {data.suspendedMachines.length > 0 && (
                <Form.Item name="liftSuspension" valuePropName="checked">
                  <Checkbox data-testid="case-lift">{t('cases.liftSuspension')}</Checkbox>
                </Form.Item>
              )}
              <Button type="primary" loading={busy} onClick={() => void close()} data-testid="case-close">
                {t('cases.close')}
              </Button>
            </Form>
          )}
          {data.state === 'open' && data.suspendedMachines.some((m) => m.status === 'suspended') && (
            <Alert type="warning" showIcon message={t('cases.suspendedNow')} />
          )}
        </Space>
      )}
    </Drawer>
  );
}
