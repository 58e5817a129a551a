import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, List, Popover, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { apiFetch, type Paginated } from '../api/client';
import type { NotificationView, UnreadCountView } from '../api/types';
import { fmtTime } from '../components/format';

const POLL_MS = 15_000;

/** One notification in the user's language: the alert type (or kind) and its severity and level, from codes. */
export function NotificationText({ n }: { n: NotificationView }) {
  const { t, i18n } = useTranslation();
  const zh = !i18n.language.startsWith('en');
  const head = n.alertType
    ? t(`alertType.${n.alertType}`, { defaultValue: t(`notificationKind.${n.kind}`) })
    : t(`notificationKind.${n.kind}`);
  return (
    <div data-testid="notification-item">
      <Space size={4} wrap>
        <Tag color={n.kind === 'escalation' || n.severity === 'critical' ? 'red' : 'blue'}>
          {t(`notificationKind.${n.kind}`)}
        </Tag>
        <Typography.Text strong={!n.readAt}>{head}</Typography.Text>
      </Space>
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {n.severity && n.level ? `${t(`severity.${n.severity}`)} · ${t(`notifyLevel.${n.level}`)} · ` : ''}
          {fmtTime(n.createdAt)}
        </Typography.Text>
      </div>
      {/* The pushed text is Chinese (enterprise and place names, counts): shown as written in the Chinese console. */}
      {zh && n.body ? (
        <Typography.Paragraph
          type="secondary"
          style={{ fontSize: 12, marginBottom: 0, whiteSpace: 'pre-line' }}
          ellipsis={{ rows: 3 }}
        >
          {n.body}
        </Typography.Paragraph>
      ) : null}
    </div>
  );
}

/** The header's bell: unread count (polled), the latest notifications, mark read. */
export function NotificationBell({ alertsPath }: { alertsPath: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<NotificationView[]>([]);

  const refresh = useCallback(() => {
    apiFetch<UnreadCountView>('/api/notifications/unread-count')
      .then((u) => setUnread(u.unread))
      .catch(() => undefined);
  }, []);
  const load = useCallback(() => {
    apiFetch<Paginated<NotificationView>>('/api/notifications', { query: { pageSize: 10 } })
      .then((p) => setItems(p.items))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    refresh();
    const timer = window.setInterval(refresh, POLL_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);
  useEffect(() => {
    if (open) load();
  }, [open, load]);

  const markRead = async (n: NotificationView) => {
    if (!n.readAt) {
      const u = await apiFetch<UnreadCountView>(`/api/notifications/${n.id}/read`, { method: 'POST' }).catch(
        () => null,
      );
      if (u) setUnread(u.unread);
    }
    setOpen(false);
    if (n.alertId) void navigate(alertsPath);
  };
  const markAll = async () => {
    const u = await apiFetch<UnreadCountView>('/api/notifications/read-all', { method: 'POST' }).catch(() => null);
    if (u) setUnread(u.unread);
    load();
  };

  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      title={
        <Space style={{ justifyContent: 'space-between', width: '100%' }}>
          {t('notifications.bell')}
          <Button size="small" type="link" onClick={() => void markAll()} disabled={unread === 0}>
            {t('notifications.markAllRead')}
          </Button>
        </Space>
      }
      content={
        <div style={{ width: 340, maxHeight: 420, overflow: 'auto' }} data-testid="notification-list">
          {items.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />
          ) : (
            <List
              size="small"
              dataSource={items}
              renderItem={(n) => (
                <List.Item
                  style={{ cursor: 'pointer', background: n.readAt ? undefined : '#f0f7ff' }}
                  onClick={() => void markRead(n)}
                >
                  <NotificationText n={n} />
                </List.Item>
              )}
            />
          )}
        </div>
      }
    >
      <span
        data-testid="notification-bell"
        title={t('notifications.unreadHint', { count: unread })}
        style={{ cursor: 'pointer' }}
      >
        <Badge count={unread} size="small" overflowCount={99} data-testid="notification-unread">
          <BellOutlined style={{ fontSize: 18 }} aria-label={t('notifications.bell')} />
        </Badge>
      </span>
    </Popover>
  );
}
