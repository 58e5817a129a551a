import { List, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Paginated } from '../../api/client';
import type { AuditEntry } from '../../api/types';
import { useApi } from '../../hooks/useApi';
import { actorText } from '../audit-records';
import { fmtTime } from '../format';
import { ErrorState, InlineLoading } from '../states';

const CHIP_ACTIONS = new Set(['machine.chip.bind', 'machine.chip.unbind']);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** 芯片记录: a machine's chip bindings and unbindings from the audit trail, with who, when and why. */
/** Remount it (a new `key`) to read it again after a change. */
export function ChipHistory({ machineId }: { machineId: string }) {
  const { t, i18n } = useTranslation();
  const audit = useApi<Paginated<AuditEntry>>('/api/audit', {
    query: { entityType: 'machine', entityId: machineId, pageSize: 100 },
  });
  if (audit.error) return <ErrorState error={audit.error} onRetry={audit.reload} />;
  if (audit.loading && !audit.data) return <InlineLoading />;
  const rows = (audit.data?.items ?? []).filter((e) => CHIP_ACTIONS.has(e.action));
  const reasonText = (code: string) =>
    i18n.exists(`chipUnbindReason.${code}`) ? t(`chipUnbindReason.${code}`) : t('records.value.unknown');
  return (
    <List
      size="small"
      data-testid="chip-history"
      locale={{ emptyText: t('chipBinding.historyEmpty') }}
      dataSource={rows}
      renderItem={(e) => {
        const unbind = e.action === 'machine.chip.unbind';
        const chip = unbind ? str(e.before?.chipId) : str(e.after?.chipId);
        const replacedBy = str(e.after?.replacedBy);
        const note = str(e.after?.note);
        return (
          <List.Item data-testid={unbind ? 'chip-history-unbind' : 'chip-history-bind'}>
            <div style={{ width: '100%' }}>
              <Typography.Text strong>
                {unbind ? t('chipBinding.historyUnbind', { chip }) : t('chipBinding.historyBind', { chip })}
                {replacedBy ? t('chipBinding.historyReplacedBy', { chip: replacedBy }) : ''}
              </Typography.Text>
              {unbind && str(e.after?.reason) && (
                <div>
                  {t('chipBinding.reason')}：{reasonText(str(e.after?.reason))}
                  {note ? `；${note}` : ''}
                </div>
              )}
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fmtTime(e.occurredAt)} · {actorText(e, t)}
                </Typography.Text>
              </div>
            </div>
          </List.Item>
        );
      }}
    />
  );
}
