import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Select, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import { auditEntityTypeValues, type components } from '../../api/schema';
import type { AuditEntry } from '../../api/types';
import { AuditChanges } from '../../components/AuditChanges';
import { actionText, actorText, entityText, entityTypeText } from '../../components/audit-records';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState } from '../../components/states';
import { useErrorReporter } from '../../hooks/useApi';
import { useKeysetList } from '../../hooks/useKeysetList';
import { KeysetMore } from '../../components/KeysetMore';

type ChainReport = components['schemas']['ChainReport'];

export default function AuditPage() {
  const { t } = useTranslation();
  // By cursor, newest first, "load more" below (issue 19): a province's log is millions of entries and
  // page numbers made deep pages read and drop every entry before them. Entries already read stay on
  // screen while reading back in time; a filter change starts again from the newest entry.
  const [entityType, setEntityType] = useState<string>();
  const list = useKeysetList<AuditEntry>('/api/audit', { query: { entityType, pageSize: 50 } });
  const report = useErrorReporter();
  const [verifying, setVerifying] = useState(false);
  const [chain, setChain] = useState<ChainReport | null>(null);

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
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            placeholder={t('audit.entityType')}
            style={{ width: 220 }}
            value={entityType}
            onChange={(v?: string) => setEntityType(v)}
            options={auditEntityTypeValues.map((v) => ({ value: v, label: entityTypeText(v, t) }))}
            data-testid="audit-entity-filter"
          />
        </div>
        {list.error ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <>
            <Table<AuditEntry>
              rowKey="id"
              size="small"
              loading={list.loading && !list.items.length}
              dataSource={list.items}
              pagination={false}
              scroll={{ x: 800 }}
              locale={{ emptyText: <EmptyState description={t('audit.empty')} /> }}
              expandable={{ expandedRowRender: (a) => <AuditChanges entry={a} /> }}
              columns={[
                { title: t('audit.time'), dataIndex: 'occurredAt', width: 140, render: (v: string) => fmtTime(v) },
                {
                  title: t('audit.actor'),
                  dataIndex: 'actorName',
                  width: 180,
                  render: (_: unknown, a) => actorText(a, t),
                },
                { title: t('audit.action'), dataIndex: 'action', width: 180, render: (v: string) => actionText(v, t) },
                {
                  title: t('audit.entity'),
                  dataIndex: 'entityType',
                  render: (_: unknown, a) => {
                    const { type, name } = entityText(a, t);
                    return (
                      <>
                        {type}
                        {name && <div style={{ fontSize: 12, color: '#666' }}>{name}</div>}
                      </>
                    );
                  },
                },
              ]}
            />
            {list.items.length ? <KeysetMore list={list} testId="audit" /> : null}
          </>
        )}
      </Card>
    </div>
  );
}
