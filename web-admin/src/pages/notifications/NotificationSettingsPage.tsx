import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { EndpointView } from '../../api/types';
import { useSession } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { useErrorReporter } from '../../hooks/useApi';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { useApi } from '../../hooks/useResource';

type Scope = 'user' | 'enterprise' | 'region';
const PERSONAL = ['sms', 'email'];
const ROBOTS = ['wecom', 'dingtalk', 'feishu'];

function AddEndpoint({ scopes, onClose }: { scopes: Scope[]; onClose: (saved: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ scope: Scope; channel: string; target: string; secret?: string }>();
  const scope = Form.useWatch('scope', form) ?? scopes[0];
  const channel = Form.useWatch('channel', form);
  const channels = scope === 'user' ? PERSONAL : ROBOTS;
  const { submit, busy } = useFormSubmit(
    form,
    (v) =>
      apiFetch('/api/notification-endpoints', {
        method: 'POST',
        body: { scope: v.scope, channel: v.channel, target: v.target, ...(v.secret ? { secret: v.secret } : {}) },
      }),
    () => onClose(true),
  );
  return (
    <Modal
      open
      title={t('notifications.add')}
      onOk={submit}
      confirmLoading={busy}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ scope: scopes[0], channel: scopes[0] === 'user' ? 'sms' : 'wecom' }}
      >
        <Form.Item name="scope" label={t('notifications.scope')} rules={[{ required: true }]}>
          <Select
            options={scopes.map((s) => ({ value: s, label: t(`endpointOwner.${s}`) }))}
            onChange={(s: Scope) => form.setFieldsValue({ channel: s === 'user' ? 'sms' : 'wecom' })}
          />
        </Form.Item>
        <Form.Item name="channel" label={t('notifications.channel')} rules={[{ required: true }]}>
          <Select options={channels.map((c) => ({ value: c, label: t(`deliveryChannel.${c}`) }))} />
        </Form.Item>
        <Form.Item
          name="target"
          label={
            channel === 'sms'
              ? t('notifications.targetPhone')
              : channel === 'email'
                ? t('notifications.targetEmail')
                : t('notifications.targetWebhook')
          }
          rules={[{ required: true, whitespace: true }]}
        >
          <Input maxLength={500} data-testid="endpoint-target" />
        </Form.Item>
        {channel === 'dingtalk' || channel === 'feishu' ? (
          <Form.Item name="secret" label={t('notifications.secret')} extra={t('notifications.secretHint')}>
            <Input.Password maxLength={200} autoComplete="off" />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

/** 接收设置: the user's own phone and e-mail; an enterprise admin's robots of the enterprise; a regulator's of the region. */
export default function NotificationSettingsPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const { message, modal } = App.useApp();
  const report = useErrorReporter();
  const list = useApi<EndpointView[]>('/api/notification-endpoints');
  const [adding, setAdding] = useState(false);
  const scopes: Scope[] = [
    'user',
    ...(user?.role === 'enterprise_admin' ? (['enterprise'] as const) : []),
    ...(user?.role === 'regulator' ? (['region'] as const) : []),
  ];
  const remove = (e: EndpointView) =>
    modal.confirm({
      title: t('notifications.removeConfirm'),
      content: `${t(`deliveryChannel.${e.channel}`)} · ${e.target}`,
      onOk: async () => {
        try {
          await apiFetch(`/api/notification-endpoints/${e.id}`, { method: 'DELETE' });
          void message.success(t('common.done'));
          list.reload();
        } catch (err) {
          report(err);
          throw err;
        }
      },
    });
  return (
    <div data-testid="notification-settings-page">
      <PageHeader
        title={t('notifications.settingsTitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t('notifications.add')}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{t('notifications.settingsHint')}</Typography.Paragraph>
      <Card size="small">
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<EndpointView>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.data ?? []}
            pagination={false}
            scroll={{ x: 700 }}
            locale={{ emptyText: <EmptyState description={t('notifications.endpointsEmpty')} /> }}
            columns={[
              {
                title: t('notifications.scope'),
                dataIndex: 'scope',
                width: 100,
                render: (v: string) => t(`endpointOwner.${v}`),
              },
              {
                title: t('notifications.channel'),
                dataIndex: 'channel',
                width: 160,
                render: (v: string) => t(`deliveryChannel.${v}`),
              },
              {
                title: t('notifications.target'),
                dataIndex: 'target',
                render: (v: string, e) => (
                  <>
                    {v} {e.signed ? <Tag color="green">{t('notifications.signed')}</Tag> : null}
                  </>
                ),
              },
              {
                title: t('notifications.createdAt'),
                dataIndex: 'createdAt',
                width: 140,
                render: (v: string) => fmtTime(v),
              },
              {
                title: t('common.actions'),
                key: 'a',
                width: 80,
                render: (_: unknown, e) => (
                  <Button size="small" danger onClick={() => remove(e)}>
                    {t('notifications.remove')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Card>
      {adding ? (
        <AddEndpoint
          scopes={scopes}
          onClose={(saved) => {
            setAdding(false);
            if (saved) {
              void message.success(t('common.done'));
              list.reload();
            }
          }}
        />
      ) : null}
    </div>
  );
}
