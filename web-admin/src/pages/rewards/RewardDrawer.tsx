import { Alert, App, Button, DatePicker, Descriptions, Drawer, Form, Input, Skeleton, Space, Tag, Tooltip } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { apiFetch } from '../../api/client';
import { useSession } from '../../auth/session';
import { fmtTime, toChinaIso } from '../../components/format';
import { ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { errorText, formFieldErrors } from '../../i18n/errors';
import { approveBlockedBy, REWARD_STATE_COLOUR, type RewardView } from './rewardsApi';

/** One reward: report, hazard, amount by the county's table; approval by a second regulator; the payment. */
export function RewardDrawer({
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
  const { data, error, loading, reload } = useApi<RewardView>(id ? `/api/rewards/${id}` : null);
  const [form] = Form.useForm<{ paidOn?: Dayjs; paymentReference?: string }>();
  const [busy, setBusy] = useState<string | null>(null);
  const regulator = user?.role === 'regulator';

  const act = async (key: string, call: () => Promise<unknown>) => {
    setBusy(key);
    try {
      await call();
      void message.success(t('common.done'));
      reload();
      onChanged();
    } catch (e) {
      form.setFields(
        formFieldErrors(t, e).map((x) => ({
          name: (x.name[0] === 'paidAt' ? ['paidOn'] : x.name) as never,
          errors: x.errors,
        })),
      );
      void message.error(errorText(t, e));
    } finally {
      setBusy(null);
    }
  };

  const pay = () => {
    const v = form.getFieldsValue();
    const problems: { name: 'paidOn' | 'paymentReference'; errors: string[] }[] = [];
    if (!v.paidOn) problems.push({ name: 'paidOn', errors: [t('common.required')] });
    if (!v.paymentReference?.trim()) problems.push({ name: 'paymentReference', errors: [t('common.required')] });
    if (problems.length) return form.setFields(problems);
    // The date picked is a China calendar day: recorded at noon China time, never before the approval nor after now.
    const noon = new Date(`${v.paidOn!.format('YYYY-MM-DD')}T12:00:00+08:00`).getTime();
    const approved = data?.approvedAt ? new Date(data.approvedAt).getTime() + 1000 : 0;
    const at = new Date(Math.min(Date.now(), Math.max(noon, approved)));
    void act('pay', () =>
      apiFetch(`/api/rewards/${data!.id}/pay`, {
        method: 'POST',
        body: { paidAt: toChinaIso(at), paymentReference: v.paymentReference!.trim() },
      }),
    );
  };

  const blocked = data ? approveBlockedBy(data, user?.role) : null;
  const amount = (n: number) => n.toLocaleString(i18n.language, { maximumFractionDigits: 2 });

  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      width={Math.min(560, window.innerWidth)}
      title={t('rewards.detail')}
      destroyOnHidden
    >
      {loading && !data && <Skeleton active paragraph={{ rows: 6 }} />}
      {error != null && <ErrorState error={error} onRetry={reload} />}
      {data && (
        <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="reward-detail">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('rewards.state')}>
              <Tag color={REWARD_STATE_COLOUR[data.state]} data-testid="reward-state">
                {t(`rewardState.${data.state}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('rewards.amount')}>
              <strong data-testid="reward-amount">{t('rewards.yuan', { amount: amount(data.amountYuan) })}</strong>
            </Descriptions.Item>
            <Descriptions.Item label={t('rewards.hazard')}>
              {t(`hazardCategory.${data.category}`)} · {t(`hazardLevel.${data.level}`)}
              <Link to={`/console/hazards?open=${data.hazardId}`} style={{ marginLeft: 8 }}>
                {t('rewards.openHazard')}
              </Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('rewards.report')}>
              <Link to={`/console/reports?open=${data.reportId}`} data-testid="reward-report-link">
                {data.reportTrackingCode}
              </Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('rewards.proposed')}>
              {data.proposedByName} · {fmtTime(data.proposedAt)}
            </Descriptions.Item>
            {data.approvedAt && (
              <Descriptions.Item label={t('rewards.approved')}>
                {data.approvedByName} · {fmtTime(data.approvedAt)}
              </Descriptions.Item>
            )}
            {data.paidAt && (
              <Descriptions.Item label={t('rewards.paid')}>
                {fmtTime(data.paidAt)} · {t('rewards.paymentReference')}：{data.paymentReference}
              </Descriptions.Item>
            )}
          </Descriptions>
          {data.state === 'proposed' && (
            <Space direction="vertical" style={{ width: '100%' }}>
              {blocked && (
                <Alert
                  type="info"
                  showIcon
                  message={t(`rewards.blocked_${blocked}`)}
                  data-testid="reward-approve-blocked"
                />
              )}
              <Tooltip title={blocked ? t(`rewards.blocked_${blocked}`) : undefined}>
                <Button
                  type="primary"
                  disabled={!!blocked}
                  loading={busy === 'approve'}
                  data-testid="reward-approve"
                  onClick={() =>
                    void act('approve', () => apiFetch(`/api/rewards/${data.id}/approve`, { method: 'POST' }))
                  }
                >
                  {t('rewards.approve')}
                </Button>
              </Tooltip>
            </Space>
          )}
          {data.state === 'approved' && regulator && (
            <Form form={form} layout="vertical" data-testid="reward-pay-form" initialValues={{ paidOn: dayjs() }}>
              <Form.Item name="paidOn" label={t('rewards.paidOn')}>
                <DatePicker
                  allowClear={false}
                  disabledDate={(d) => d.isAfter(dayjs(), 'day') || d.isBefore(dayjs(data.approvedAt), 'day')}
                  data-testid="reward-paid-on"
                />
              </Form.Item>
              <Form.Item
                name="paymentReference"
                label={t('rewards.paymentReference')}
                extra={t('rewards.paymentReferenceHint')}
              >
                <Input maxLength={64} placeholder="WX20261206-0001" data-testid="reward-payment-reference" />
              </Form.Item>
              <Button type="primary" loading={busy === 'pay'} onClick={pay} data-testid="reward-pay">
                {t('rewards.pay')}
              </Button>
            </Form>
          )}
        </Space>
      )}
    </Drawer>
  );
}
