import { Alert, App, Button, Descriptions, Drawer, List, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { PermitDetail } from '../../api/types';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { fmtTime } from '../format';
import { EmptyState, ErrorState, PageLoading } from '../states';
import { EnumTag } from '../tags';
import { PermitActionModal, type PermitAction } from './PermitActionModals';
import { PermitTrail } from './PermitTrail';

// The server's PERMIT_TRANSITIONS (server/src/permits/permit-status.ts); approve/reject follow viewerCanDecide.
const CAN: Record<string, string[]> = {
  edit: ['draft', 'rejected'],
  submit: ['draft', 'rejected'],
  cancel: ['draft', 'submitted', 'rejected', 'approved', 'active', 'suspended', 'expired'],
  extend: ['approved', 'active'],
  close: ['active', 'suspended', 'expired'],
  gas: ['draft', 'submitted', 'rejected', 'approved', 'active', 'suspended'],
};

/** Statuses in which the gas readiness for arming is worth saying. */
const GAS_MATTERS = ['submitted', 'approved', 'active'];

export function PermitDrawer({
  permitId,
  canAct,
  onClose,
  onChanged,
  onEdit,
}: {
  permitId: string | null;
  canAct: boolean;
  onClose: () => void;
  onChanged: () => void;
  onEdit?: (p: PermitDetail) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const { data: p, error, loading, reload } = useApi<PermitDetail>(permitId ? `/api/permits/${permitId}` : null);
  const [action, setAction] = useState<PermitAction | null>(null);
  const changed = () => {
    reload();
    onChanged();
  };
  const submit = async () => {
    try {
      await apiFetch(`/api/permits/${permitId}/submit`, { method: 'POST' });
      void message.success(t('permits.submitted'));
      changed();
    } catch (e) {
      report(e);
    }
  };
  const can = (a: string) => canAct && !!p && CAN[a].includes(p.status);
  const decide = !!p?.viewerCanDecide;
  const gasNotice = p && GAS_MATTERS.includes(p.status) && (
    <Alert
      type={p.gasReadiness.verdictNow === 'OK' ? 'success' : 'warning'}
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="permit-gas-readiness"
      message={t('permitGuide.armingNeedsGas', { min: p.gasReadiness.maxAgeMin })}
      description={t('permitGuide.gasNow', { verdict: t(`gasVerdict.${p.gasReadiness.verdictNow}`) })}
    />
  );

  return (
    <Drawer
      open={!!permitId}
      onClose={onClose}
      title={t('permits.detail')}
      width={Math.min(760, window.innerWidth)}
      destroyOnHidden
      data-testid="permit-drawer"
    >
      {loading && !p ? (
        <PageLoading />
      ) : error && !p ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        p && (
          <>
            {p.status === 'suspended' && (
              <Alert
                type="error"
                showIcon
                banner
                style={{ marginBottom: 12 }}
                data-testid="permit-suspended-banner"
                message={t('permits.suspendedTitle')}
                description={t('permits.suspendedText', { at: fmtTime(p.suspendedAt) })}
              />
            )}
            {gasNotice}
            <Space wrap style={{ marginBottom: 12 }}>
              <Button href={`/permits/${p.id}/print`} target="_blank" data-testid="permit-print">
                {t('permits.print')}
              </Button>
              {canAct && can('edit') && onEdit && (
                <Button onClick={() => onEdit(p)} data-testid="permit-edit">
                  {t('permits.edit')}
                </Button>
              )}
            </Space>
            {(canAct || decide) && (
              <Space wrap style={{ marginBottom: 12 }}>
                {can('submit') && (
                  <Button type="primary" onClick={submit}>
                    {t('permits.submitForApproval')}
                  </Button>
                )}
                {decide && (
                  <Button type="primary" onClick={() => setAction('approve')} data-testid="permit-approve">
                    {t('permits.approve')}
                  </Button>
                )}
                {decide && (
                  <Button danger onClick={() => setAction('reject')} data-testid="permit-reject">
                    {t('permits.reject')}
                  </Button>
                )}
                {can('extend') && !p.extensions.some((x) => x.status === 'pending') && (
                  <Button onClick={() => setAction('extend')}>{t('permits.extend')}</Button>
                )}
                {can('gas') && <Button onClick={() => setAction('gas')}>{t('permits.addGas')}</Button>}
                {can('close') && <Button onClick={() => setAction('close')}>{t('permits.closePermit')}</Button>}
                {can('cancel') && (
                  <Button danger type="text" onClick={() => setAction('cancel')}>
                    {t('permits.cancelPermit')}
                  </Button>
                )}
              </Space>
            )}
            {!decide && p.status === 'submitted' && p.approval.nextPosition && (
              <Typography.Paragraph type="secondary" data-testid="permit-awaiting-other">
                {t('permits.awaitingPosition', { position: t(`position.${p.approval.nextPosition}`) })}
              </Typography.Paragraph>
            )}
            <Descriptions size="small" bordered column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('permits.permitNo')} span={2}>
                <span data-testid="permit-no">{p.permitNo}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('common.status')}>
                <EnumTag kind="permitStatus" value={p.status} />
              </Descriptions.Item>
              <Descriptions.Item label={t('permits.effectiveLevel')}>
                {t(`permitLevel.${p.effectiveLevel}`)}
                {p.levelUpgradeReasons.length > 0 && (
                  <div style={{ fontSize: 12 }}>
                    {t('permits.upgrade', { reasons: p.levelUpgradeReasons.map((r) => r.label).join('、') })}
                  </div>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('common.enterprise')} span={2}>
                {p.enterpriseName}
              </Descriptions.Item>
              <Descriptions.Item label={t('permits.work')} span={2}>
                {p.workDescription}
              </Descriptions.Item>
              <Descriptions.Item label={t('permits.site')} span={2}>
                {p.site.address}
                <div style={{ fontSize: 12 }}>
                  {p.site.point.lat}, {p.site.point.lng}
                  {p.site.geofence.radiusM ? ` · r=${p.site.geofence.radiusM} m` : ''}
                </div>
              </Descriptions.Item>
              <Descriptions.Item label={t('permits.window')} span={2}>
                {fmtTime(p.plannedStart)} → {fmtTime(p.plannedEnd)}
              </Descriptions.Item>
              <Descriptions.Item label={t('permits.welders')}>
                {p.welders.map((w) => w.realName).join('、')}
              </Descriptions.Item>
              <Descriptions.Item label={t('permits.machines')}>
                {p.machines.map((m) => m.name).join('、')}
              </Descriptions.Item>
              <Descriptions.Item label={t('permits.fireWatcher')}>
                {p.fireWatcher ? `${p.fireWatcher.name} ${p.fireWatcher.phoneMasked ?? ''}` : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('permits.nextStep')}>
                {p.approval.nextPosition ? t(`position.${p.approval.nextPosition}`) : '—'}
              </Descriptions.Item>
              {p.rejectionReason && (
                <Descriptions.Item label={t('permits.reject')} span={2}>
                  <Typography.Text type="danger">{p.rejectionReason}</Typography.Text>
                </Descriptions.Item>
              )}
              {p.closedAt && (
                <Descriptions.Item label={t('permits.closePermit')} span={2}>
                  {t('permits.workStoppedAt')} {fmtTime(p.workStoppedAt)} · {t('permits.fireWatchEndedAt')}{' '}
                  {fmtTime(p.fireWatchEndedAt)}
                </Descriptions.Item>
              )}
            </Descriptions>
            <Tabs
              items={[
                {
                  key: 'trail',
                  label: t('permits.trail'),
                  children: <PermitTrail trail={p.trail} />,
                },
                {
                  key: 'checklist',
                  label: t('permits.checklist'),
                  children: (
                    <List
                      size="small"
                      dataSource={p.checklist}
                      renderItem={(c) => (
                        <List.Item>
                          <span>
                            {c.mandatory ? '* ' : ''}
                            {t(`checklist.${c.key}`, { defaultValue: c.label })}
                          </span>
                          {c.checked ? (
                            <Tag color="green">✓</Tag>
                          ) : (
                            <Tag color={c.mandatory ? 'red' : 'default'}>✗</Tag>
                          )}
                        </List.Item>
                      )}
                    />
                  ),
                },
                {
                  key: 'gas',
                  label: `${t('permits.gas')} (${p.gasAnalyses.length})`,
                  children: (
                    <Table
                      size="small"
                      rowKey="id"
                      pagination={false}
                      dataSource={p.gasAnalyses}
                      locale={{ emptyText: <EmptyState description={t('timeline.noEvents')} /> }}
                      columns={[
                        { title: t('permits.takenAt'), dataIndex: 'takenAt', render: (v: string) => fmtTime(v) },
                        { title: t('permits.gasName'), dataIndex: 'gas' },
                        { title: t('permits.reading'), dataIndex: 'readingPercentVol', align: 'right' },
                        {
                          title: t('permits.passMark'),
                          dataIndex: 'passMarkPercentVol',
                          align: 'right',
                          render: (v: number | undefined) => (v === undefined ? '—' : `≤ ${v}`),
                        },
                        { title: t('permits.analyst'), dataIndex: 'analyst' },
                        {
                          title: '',
                          dataIndex: 'passed',
                          render: (v: boolean) =>
                            v ? (
                              <Tag color="green">{t('permits.passed')}</Tag>
                            ) : (
                              <Tag color="red">{t('permits.failed')}</Tag>
                            ),
                        },
                      ]}
                    />
                  ),
                },
                {
                  key: 'ext',
                  label: `${t('permits.extend')} (${p.extensions.length})`,
                  children: (
                    <Table
                      size="small"
                      rowKey="id"
                      pagination={false}
                      dataSource={p.extensions}
                      locale={{ emptyText: <EmptyState description={t('timeline.noEvents')} /> }}
                      columns={[
                        { title: t('permits.end'), dataIndex: 'previousEnd', render: (v: string) => fmtTime(v) },
                        { title: t('permits.newEnd'), dataIndex: 'requestedEnd', render: (v: string) => fmtTime(v) },
                        { title: t('common.reason'), dataIndex: 'reason' },
                        {
                          title: t('common.status'),
                          dataIndex: 'status',
                          render: (v: string) => t(`extensionStatus.${v}`),
                        },
                      ]}
                    />
                  ),
                },
              ]}
            />
            <PermitActionModal
              permitId={p.id}
              action={action}
              notice={action === 'approve' ? gasNotice : undefined}
              onClose={(done) => {
                setAction(null);
                if (done) {
                  void message.success(t('common.done'));
                  changed();
                }
              }}
            />
          </>
        )
      )}
    </Drawer>
  );
}
