import { App, Button, Card, Form, InputNumber, Modal, Select, Space, Table, Tag, TimePicker, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import { notifyLevelValues } from '../../api/schema';
import type { NotificationRuleView } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/states';
import { EnumTag } from '../../components/tags';
import { useApi } from '../../hooks/useResource';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useSession } from '../../auth/session';

const hhmm = (m: number | null) =>
  m === null ? null : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minuteOf = (d: Dayjs | null | undefined) => (d ? d.hour() * 60 + d.minute() : null);
const timeOf = (m: number | null) => (m === null ? null : dayjs().startOf('day').add(m, 'minute'));

function EditRule({ rule, onClose }: { rule: NotificationRuleView; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ levels: string[]; escalateAfterMin: number | null; quiet: [Dayjs, Dayjs] | null }>();
  const critical = rule.severity === 'critical';
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch(`/api/notification-rules/${rule.id}`, {
        method: 'PUT',
        body: {
          levels: v.levels,
          escalateAfterMin: v.escalateAfterMin ?? null,
          quietStartMin: critical ? null : minuteOf(v.quiet?.[0]),
          quietEndMin: critical ? null : minuteOf(v.quiet?.[1]),
        },
      }),
    () => onClose(true),
  );
  const quiet = rule.quietStartMin !== null ? [timeOf(rule.quietStartMin), timeOf(rule.quietEndMin)] : null;
  return (
    <Modal
      open
      title={t('notifications.editRule')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ levels: rule.levels, escalateAfterMin: rule.escalateAfterMin, quiet }}
      >
        <Form.Item name="levels" label={t('notifications.levels')} rules={[{ required: true }]}>
          <Select
            mode="multiple"
            options={notifyLevelValues.map((l) => ({ value: l, label: t(`notifyLevel.${l}`) }))}
          />
        </Form.Item>
        <Form.Item name="escalateAfterMin" label={t('notifications.escalateAfter')}>
          <InputNumber min={1} max={1440} addonAfter={t('notifications.minutes', { n: '' })} style={{ width: 200 }} />
        </Form.Item>
        {critical ? (
          <Typography.Text type="secondary">{t('notifications.quietCriticalHint')}</Typography.Text>
        ) : (
          <Form.Item name="quiet" label={t('notifications.quietHours')}>
            <TimePicker.RangePicker format="HH:mm" order={false} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** 推送规则: who is told first per alert type and severity, escalation, quiet hours (platform admin edits). */
export default function NotificationRulesPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { message } = App.useApp();
  const rules = useApi<NotificationRuleView[]>('/api/notification-rules');
  const [editing, setEditing] = useState<NotificationRuleView | null>(null);
  const admin = user?.role === 'platform_admin';
  return (
    <div data-testid="notification-rules-page">
      <PageHeader title={t('notifications.rulesTitle')} subtitle={t('notifications.rulesHint')} />
      <Card size="small">
        {rules.error && !rules.data ? (
          <ErrorState error={rules.error} onRetry={rules.reload} />
        ) : (
          <Table<NotificationRuleView>
            rowKey="id"
            size="small"
            loading={rules.loading}
            dataSource={rules.data ?? []}
            pagination={false}
            scroll={{ x: 800 }}
            columns={[
              {
                title: t('notifications.alertType'),
                dataIndex: 'alertType',
                render: (v: string | null) => (v ? t(`alertType.${v}`) : t('notifications.anyType')),
              },
              {
                title: t('notifications.severity'),
                dataIndex: 'severity',
                width: 90,
                render: (v: string) => <EnumTag kind="severity" value={v} />,
              },
              {
                title: t('notifications.levels'),
                dataIndex: 'levels',
                render: (v: string[]) => (
                  <Space size={2} wrap>
                    {v.map((l, i) => (
                      <Tag key={l}>{`${i + 1}. ${t(`notifyLevel.${l}`)}`}</Tag>
                    ))}
                  </Space>
                ),
              },
              {
                title: t('notifications.escalateAfter'),
                dataIndex: 'escalateAfterMin',
                width: 110,
                render: (v: number | null) =>
                  v ? t('notifications.minutes', { n: v }) : t('notifications.noEscalation'),
              },
              {
                title: t('notifications.quietHours'),
                key: 'quiet',
                width: 130,
                render: (_: unknown, r) =>
                  r.quietStartMin === null
                    ? t('notifications.noQuietHours')
                    : `${hhmm(r.quietStartMin)}–${hhmm(r.quietEndMin)}`,
              },
              ...(admin
                ? [
                    {
                      title: t('common.actions'),
                      key: 'a',
                      width: 80,
                      render: (_: unknown, r: NotificationRuleView) => (
                        <Button size="small" onClick={() => setEditing(r)}>
                          {t('notifications.edit')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      {editing ? (
        <EditRule
          rule={editing}
          onClose={(saved) => {
            setEditing(null);
            if (saved) {
              void message.success(t('common.done'));
              rules.reload();
            }
          }}
        />
      ) : null}
    </div>
  );
}
