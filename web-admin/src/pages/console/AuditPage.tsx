import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Input, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import type { AuditEntry } from '../../api/types';
import { compactJson, fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { useErrorReporter } from '../../hooks/useApi';
import { usePaged } from '../../hooks/usePaged';

type ChainReport = components['schemas']['ChainReport'];

export default function AuditPage() {
  const { t } = useTranslation();
  const list = usePaged<AuditEntry>('/api/audit');
  const { filters, setFilters } = list;
  const report = useErrorReporter();
  const [verifying, setVerifying] = useState(false);
  const [chain, setChain] = useState<ChainReport | null>(null);
  const [entityType, setEntityType] = useState('');

  const verify = async () => {
    setVerifying(true);
    try {
      setChain(await apiFetch<ChainReport>('/api/audit/verify'));
    } catch (e) {
      report(e);
    } finally {
      setVerifying(false);
    }
  };

  return (
    <div data-testid="audit-page">
      <PageHeader
        title={t('audit.title')}
        extra={
          <Button
            type="primary"
            icon={<SafetyCertificateOutlined />}
            loading={verifying}
            onClick={verify}
            data-testid="verify-chain"
          >
            {t('audit.verify')}
          </Button>
        }
      />
      {chain && (
        <Alert
          style={{ marginBottom: 12 }}
          showIcon
          type={chain.ok ? 'success' : 'error'}
          message={
            chain.ok
              ? t('audit.verifyOk', { checked: chain.checked })
              : t('audit.verifyBroken', { id: chain.firstBrokenId, reason: chain.reason })
          }
          data-testid="chain-result"
        />
      )}
      <Card size="small">
        <div className="toolbar">
          <Input.Search
            allowClear
            placeholder={t('audit.entityType')}
            style={{ width: 200 }}
            value={entityType}
            onChange={(e) => setEntityType(e.target.value)}
            onSearch={(v) => setFilters({ ...filters, entityType: v || undefined })}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<AuditEntry>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 800 }}
            locale={{ emptyText: <EmptyState description={t('audit.empty')} /> }}
            expandable={{
              expandedRowRender: (a) => (
                <div style={{ fontSize: 12 }}>
                  <div>
                    <Typography.Text type="secondary">{t('audit.before')}: </Typography.Text>
                    <Typography.Text code>{compactJson(a.before)}</Typography.Text>
                  </div>
                  <div>
                    <Typography.Text type="secondary">{t('audit.after')}: </Typography.Text>
                    <Typography.Text code>{compactJson(a.after)}</Typography.Text>
                  </div>
                </div>
              ),
            }}
            columns={[
              { title: t('audit.time'), dataIndex: 'occurredAt', width: 140, render: (v: string) => fmtTime(v) },
              {
                title: t('audit.actor'),
                dataIndex: 'actorRole',
                width: 150,
                render: (v: string, a) => (
                  <>
                    {t(`role.${v}`, { defaultValue: v })}
                    <div style={{ fontSize: 11, color: '#999' }}>{a.actorUserId?.slice(0, 8) ?? 'system'}</div>
                  </>
                ),
              },
              { title: t('audit.action'), dataIndex: 'action', width: 200 },
              {
                title: t('audit.entity'),
                dataIndex: 'entityType',
                render: (v: string, a) => (
                  <>
                    {v}
                    <div style={{ fontSize: 11, color: '#999' }}>{a.entityId}</div>
                  </>
                ),
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
