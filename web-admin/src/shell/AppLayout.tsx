import { LogoutOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { Badge, Button, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../auth/session';
import { useUnseenAlerts } from '../hooks/useUnseenAlerts';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';
import { usePermitsAwaiting } from '../hooks/usePermitsAwaiting';
import { isAlertsEntry, isPermitsEntry, menuFor } from './menu';

const { Sider, Header, Content } = Layout;

export function AppLayout() {
  const { t } = useTranslation();
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.md;
  const [collapsed, setCollapsed] = useState<boolean>(mobile);
  const entries = user ? menuFor(user.role) : [];
  const unseen = useUnseenAlerts(entries.some(isAlertsEntry));
  const awaiting = usePermitsAwaiting(entries.some(isPermitsEntry));
  if (!user) return null;

  // Longest matching prefix wins, so /console/ledgers/machines highlights "machines".
  const selected = entries
    .filter((e) => location.pathname.startsWith(e.path))
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        breakpoint="md"
        collapsedWidth={mobile ? 0 : 64}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        // On a phone the menu opens from a button inside the header bar, not over the page title.
        zeroWidthTriggerStyle={{
          top: 12,
          insetInlineEnd: -44,
          width: 36,
          height: 36,
          lineHeight: '36px',
          borderRadius: 6,
        }}
        width={208}
        style={mobile ? { position: 'fixed', height: '100vh', zIndex: 20, left: 0, top: 0 } : undefined}
      >
        <div className="app-logo">{collapsed && !mobile ? 'AG' : t('app.name')}</div>
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          items={entries.map((e) => ({
            key: e.path,
            icon: e.icon,
            label:
              isPermitsEntry(e) && awaiting > 0 ? (
                <span data-testid="menu-permits-awaiting" title={t('permits.awaitingHint', { count: awaiting })}>
                  {t(e.labelKey)} <Badge count={awaiting} size="small" overflowCount={99} />
                </span>
              ) : isAlertsEntry(e) && unseen > 0 ? (
                <span data-testid="menu-alerts-unseen" title={t('alerts.unseenHint', { count: unseen })}>
                  {t(e.labelKey)} <Badge count={unseen} size="small" overflowCount={99} />
                </span>
              ) : (
                t(e.labelKey)
              ),
          }))}
          onClick={({ key }) => {
            void navigate(key);
            if (mobile) setCollapsed(true);
          }}
        />
      </Sider>
      <Layout>
        <Header className="app-header">
          <Typography.Text strong ellipsis style={{ marginLeft: mobile ? 40 : 0 }}>
            {t(user.role === 'regulator' || user.role === 'platform_admin' ? 'app.consoleTitle' : 'app.workspaceTitle')}
          </Typography.Text>
          <Space size="small" wrap={false}>
            <NotificationBell alertsPath={entries.find(isAlertsEntry)?.path ?? '/'} />
            <LanguageSwitch />
            <span className="hide-mobile">
              <UserOutlined /> {user.displayName}
            </span>
            <Tag className="hide-mobile" color="blue">
              {t(`role.${user.role}`)}
            </Tag>
            <Button
              size="small"
              icon={<SafetyOutlined />}
              data-testid="account-security-link"
              title={t('app.accountSecurity')}
              onClick={() =>
                void navigate(
                  user.role === 'regulator' || user.role === 'platform_admin'
                    ? '/console/security'
                    : '/workspace/security',
                )
              }
            >
              <span className="hide-mobile">{t('app.accountSecurity')}</span>
            </Button>
            <Button
              size="small"
              icon={<LogoutOutlined />}
              data-testid="logout"
              onClick={() => {
                logout();
                void navigate('/login', { replace: true });
              }}
            >
              <span className="hide-mobile">{t('app.logout')}</span>
            </Button>
          </Space>
        </Header>
        <Content className="app-content">
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
