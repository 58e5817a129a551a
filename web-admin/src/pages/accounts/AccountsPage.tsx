import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import { LoginHistoryTable } from '../account/LoginHistoryTable';
import { useSession, type Role } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect } from '../../components/RegionSelect';
import { EmptyState, ErrorState } from '../../components/states';
import { useErrorReporter } from '../../hooks/useApi';
import { useFormSubmit } from '../../hooks/useFormSubmit';
import { usePaged } from '../../hooks/usePaged';

type Account = components['schemas']['AccountView'];
type Reset = components['schemas']['PasswordResetView'];

interface CreateForm {
  username: string;
  displayName: string;
  role: Role;
  regionCode?: string;
  password: string;
}

/** The roles an actor may give (the server decides again): platform admins any staff role, regulators regulators, enterprise admins their staff. */
function creatableRoles(role: Role | undefined): Role[] {
  if (role === 'platform_admin') return ['platform_admin', 'regulator'];
  if (role === 'regulator') return ['regulator'];
  if (role === 'enterprise_admin') return ['enterprise_admin', 'safety_manager'];
  return [];
}

/**
 * 账号管理 (issue 16 §1): the accounts the caller manages, with their last log-in; create (password policy,
 * changed at first log-in), disable / enable, reset password (one-time password shown once, or sent to a
 * welder's registered phone), and the enterprise admin ↔ safety manager role. Never on one's own account.
 */
export default function AccountsPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const report = useErrorReporter();
  const { user } = useSession();
  const list = usePaged<Account>('/api/users');
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const [historyOf, setHistoryOf] = useState<Account | null>(null);
  const [form] = Form.useForm<CreateForm>();
  const roles = creatableRoles(user?.role);
  const role = Form.useWatch('role', form);

  const create = useFormSubmit<CreateForm, Account>(
    form,
    (v) =>
      apiFetch<Account>('/api/users', {
        method: 'POST',
        body: {
          username: v.username.trim(),
          displayName: v.displayName.trim(),
          role: v.role,
          password: v.password,
          ...(v.role === 'regulator' ? { regionCode: v.regionCode } : {}),
          ...(v.role === 'enterprise_admin' || v.role === 'safety_manager' ? { enterpriseId: user?.enterpriseId } : {}),
        },
      }),
    () => {
      setCreating(false);
      void message.success(t('accounts.created'));
      list.reload();
    },
  );

  const act = async (a: Account, path: string, done: string, body?: unknown) => {
    try {
      await apiFetch(`/api/users/${a.id}/${path}`, { method: body ? 'PATCH' : 'POST', body });
      void message.success(done);
      list.reload();
    } catch (e) {
      report(e);
    }
  };

  const reset = (a: Account) =>
    modal.confirm({
      title: t('accounts.resetPassword'),
      content: t('accounts.resetConfirm', { name: a.displayName }),
      okButtonProps: { 'data-testid': 'accounts-reset-ok' },
      onOk: async () => {
        try {
          const r = await apiFetch<Reset>(`/api/users/${a.id}/reset-password`, { method: 'POST' });
          if (r.delivery === 'shown') setShown(r.oneTimePassword ?? '');
          else void message.success(t('accounts.resetSms', { phone: r.phoneMasked }));
          list.reload();
        } catch (e) {
          report(e);
        }
      },
    });

  const toggle = (a: Account) =>
    a.status === 'active'
      ? modal.confirm({
          title: t('accounts.disable'),
          content: t('accounts.disableConfirm', { name: a.displayName }),
          okButtonProps: { danger: true, 'data-testid': 'accounts-disable-ok' },
          onOk: () => act(a, 'disable', t('accounts.disabled')),
        })
      : void act(a, 'enable', t('accounts.enabled'));

  return (
    <div data-testid="accounts-page">
      <PageHeader
        title={t('accounts.title')}
        subtitle={t('accounts.subtitle')}
        extra={
          roles.length > 0 && (
            <Button
              type="primary"
              onClick={() => {
                form.setFieldsValue({ role: roles[0] });
                setCreating(true);
              }}
              data-testid="accounts-create"
            >
              {t('accounts.create')}
            </Button>
          )
        }
      />
      <Card>
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search
            allowClear
            placeholder={t('accounts.search')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={(v) => list.setFilters({ ...list.filters, q: v.trim() || undefined })}
            style={{ width: 220 }}
            data-testid="accounts-search"
          />
          <Select
            allowClear
            placeholder={t('accounts.anyRole')}
            style={{ width: 160 }}
            onChange={(v?: string) => list.setFilters({ ...list.filters, role: v })}
            options={(['platform_admin', 'regulator', 'enterprise_admin', 'safety_manager', 'welder'] as Role[]).map(
              (r) => ({ value: r, label: t(`role.${r}`) }),
            )}
          />
          <Select
            allowClear
            placeholder={t('accounts.anyStatus')}
            style={{ width: 140 }}
            onChange={(v?: string) => list.setFilters({ ...list.filters, status: v })}
            options={['active', 'disabled'].map((s) => ({ value: s, label: t(`userStatus.${s}`) }))}
          />
        </Space>
        {list.error ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<Account>
            rowKey="id"
            size="middle"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: true }}
            locale={{ emptyText: list.loading ? ' ' : <EmptyState description={t('accounts.empty')} /> }}
            columns={[
              {
                title: t('accounts.username'),
                key: 'username',
                render: (_, a) => (
                  <Space size={4}>
                    <Typography.Text strong data-testid="accounts-username" translate="no">
                      {a.username}
                    </Typography.Text>
                    {a.id === user?.id && <Tag>{t('accounts.self')}</Tag>}
                  </Space>
                ),
              },
              { title: t('accounts.displayName'), dataIndex: 'displayName' },
              { title: t('accounts.role'), key: 'role', render: (_, a) => t(`role.${a.role}`) },
              {
                title: t('accounts.status'),
                key: 'status',
                render: (_, a) => (
                  <Space size={4}>
                    <Tag color={a.status === 'active' ? 'green' : 'default'} data-testid="accounts-status">
                      {t(`userStatus.${a.status}`)}
                    </Tag>
                    {a.mustChangePassword && <Tag color="orange">{t('accounts.mustChange')}</Tag>}
                  </Space>
                ),
              },
              {
                title: t('accounts.lastLogin'),
                key: 'lastLoginAt',
                render: (_, a) => (a.lastLoginAt ? fmtTime(a.lastLoginAt) : t('accounts.never')),
              },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_, a) =>
                  a.id !== user?.id && (
                    <Space wrap size={4}>
                      <Button
                        size="small"
                        onClick={() => toggle(a)}
                        danger={a.status === 'active'}
                        data-testid="accounts-toggle"
                      >
                        {a.status === 'active' ? t('accounts.disable') : t('accounts.enable')}
                      </Button>
                      <Button size="small" onClick={() => reset(a)} data-testid="accounts-reset">
                        {t('accounts.resetPassword')}
                      </Button>
                      <Button size="small" onClick={() => setHistoryOf(a)} data-testid="accounts-history">
                        {t('accounts.loginHistory')}
                      </Button>
                      {(a.role === 'enterprise_admin' || a.role === 'safety_manager') && (
                        <Select
                          size="small"
                          value={a.role}
                          style={{ width: 130 }}
                          aria-label={t('accounts.changeRole')}
                          onChange={(r: Role) => void act(a, 'role', t('accounts.roleChanged'), { role: r })}
                          options={(['enterprise_admin', 'safety_manager'] as Role[]).map((r) => ({
                            value: r,
                            label: t(`role.${r}`),
                          }))}
                        />
                      )}
                    </Space>
                  ),
              },
            ]}
          />
        )}
      </Card>

      <Modal
        open={creating}
        title={t('accounts.create')}
        onOk={() => void create.submit()}
        okButtonProps={{ loading: create.busy, 'data-testid': 'accounts-create-ok' }}
        onCancel={() => setCreating(false)}
        destroyOnHidden
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item name="role" label={t('accounts.role')} rules={[{ required: true }]}>
            <Select options={roles.map((r) => ({ value: r, label: t(`role.${r}`) }))} data-testid="accounts-role" />
          </Form.Item>
          {role === 'regulator' && (
            <Form.Item
              name="regionCode"
              label={t('accounts.region')}
              rules={[{ required: true, message: t('register.required') }]}
            >
              <RegionSelect />
            </Form.Item>
          )}
          <Form.Item
            name="username"
            label={t('accounts.username')}
            extra={t('register.usernameInvalid')}
            rules={[{ required: true, pattern: /^[a-zA-Z0-9._-]{3,64}$/, message: t('register.usernameInvalid') }]}
          >
            <Input autoComplete="off" data-testid="accounts-new-username" />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('accounts.displayName')}
            rules={[{ required: true, whitespace: true, message: t('register.required') }]}
          >
            <Input maxLength={100} data-testid="accounts-new-name" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('register.adminPassword')}
            extra={t('accounts.passwordHint')}
            rules={[{ required: true, message: t('register.required') }]}
          >
            <Input.Password autoComplete="new-password" data-testid="accounts-new-password" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={shown !== null}
        title={t('accounts.resetShownTitle')}
        onOk={() => setShown(null)}
        onCancel={() => setShown(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        <Typography.Paragraph>{t('accounts.resetShownText')}</Typography.Paragraph>
        <Typography.Text code copyable style={{ fontSize: 20 }} data-testid="accounts-one-time-password">
          {shown}
        </Typography.Text>
      </Modal>
      <Modal
        open={!!historyOf}
        width={760}
        title={t('accounts.loginHistoryOf', { name: historyOf?.displayName ?? '' })}
        footer={null}
        onCancel={() => setHistoryOf(null)}
        destroyOnHidden
      >
        {historyOf && (
          <LoginHistoryTable
            path={`/api/auth/accounts/${historyOf.id}/login-history`}
            testId="accounts-history-table"
          />
        )}
      </Modal>
    </div>
  );
}
