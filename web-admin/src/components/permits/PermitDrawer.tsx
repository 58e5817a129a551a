import { App, Button, Descriptions, Drawer, List, Space, Table, Tabs, Tag, Typography } from 'antd';
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

const CAN: Record<string, string[]> = {
  submit: ['draft', 'rejected'],
  approve: ['submitted'],
  cancel: ['draft', 'submitted', 'rejected', 'approved', 'active', 'expired'],
  extend: ['approved', 'active'],
  close: ['active', 'expired'],
  gas: ['draft', 'submitted', 'rejected', 'approved', 'active'],
};

export function PermitDrawer({
  permitId,
  canAct,
  onClose,
  onChanged,
}: {
  permitId: string | null;
  canAct: boolean;
  onClose: () => void;
  onChanged: () => void;
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
  const pendingExtension = p?.extensions.some((x) => x.status === 'pending');

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
            {canAct && (
              <Space wrap style={{ marginBottom: 12 }}>
                {can('submit') && (
                  <Button type="primary" onClick={submit}>
                    {t('permits.submitForApproval')}
                  </Button>
                )}
                {(can('approve') || (pendingExtension && can('extend'))) && (
                  <Button type="primary" onClick={() => setAction('approve')} data-testid="permit-approve">
                    {t('permits.approve')}
                  </Button>
                )}
                {(can('approve') || (pendingExtension && can('extend'))) && (
                  <Button danger onClick={() => setAction('reject')}>
                    {t('permits.reject')}
                  </Button>
                )}
                {can('extend') && !pendingExtension && (
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
            <Descriptions size="small" bordered column={{ xs: 1, sm: 2 }}>
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
