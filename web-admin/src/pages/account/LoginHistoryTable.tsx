import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { components } from '../../api/schema';
import { fmtTime } from '../../components/format';
import { ErrorState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { describeUserAgent } from './user-agent';

type HistoryEntry = components['schemas']['LoginHistoryEntryDto'];

/** Log-in attempts (time, address, device, result): mine on 账号安全, an account's in account management. */
export function LoginHistoryTable({ path, testId = 'history-table' }: { path: string; testId?: string }) {
  const { t } = useTranslation();
  const history = useApi<HistoryEntry[]>(path);
  if (history.error) return <ErrorState error={history.error} onRetry={history.reload} />;
  return (
    <Table<HistoryEntry>
      rowKey={(r) => `${r.at}|${r.result}|${r.ip}`}
      size="small"
      loading={history.loading}
      dataSource={history.data ?? []}
      pagination={{ pageSize: 10 }}
      scroll={{ x: true }}
      data-testid={testId}
      columns={[
        { title: t('account.time'), render: (_, r) => fmtTime(r.at) },
        { title: t('account.address'), dataIndex: 'ip' },
        { title: t('account.userAgent'), render: (_, r) => describeUserAgent(r.userAgent) },
        {
          title: t('account.result'),
          render: (_, r) => (
            <Tag color={r.result === 'success' ? 'green' : r.result === 'totp_required' ? 'default' : 'red'}>
              {t(`loginResult.${r.result}`)}
            </Tag>
          ),
        },
      ]}
    />
  );
}
