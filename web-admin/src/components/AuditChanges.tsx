import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../api/types';
import { auditDiff, type FieldChange } from './audit-records';

/** An audit entry's before/after as the fields that changed, labelled, in the reader's language. */
export function AuditChanges({ entry }: { entry: AuditEntry }) {
  const { t, i18n } = useTranslation();
  const changes = auditDiff(entry, t, (key) => i18n.exists(key));
  if (!changes.length) return <Typography.Text type="secondary">{t('records.audit.noChanges')}</Typography.Text>;
  const created = !entry.before;
  return (
    <Table<FieldChange>
      data-testid="audit-changes"
      size="small"
      rowKey="field"
      pagination={false}
      dataSource={changes}
      columns={[
        { title: t('records.audit.field'), dataIndex: 'label', width: 180 },
        ...(created ? [] : [{ title: t('records.audit.from'), dataIndex: 'before' }]),
        { title: created ? t('records.audit.created') : t('records.audit.to'), dataIndex: 'after' },
      ]}
    />
  );
}
