import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Segmented, Select, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { PERMIT_LEVELS, type PermitDetail, type PermitSummary } from '../../api/types';
import { ENTERPRISE_ROLES, useSession } from '../../auth/session';
import { fmtTime } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { PermitApplyModal } from '../../components/permits/PermitApplyModal';
import { PermitDrawer } from '../../components/permits/PermitDrawer';
import { EmptyState, ErrorState } from '../../components/states';
import { EnumTag } from '../../components/tags';
import { usePaged } from '../../hooks/usePaged';
import { PERMITS_CHANGED_EVENT } from '../../hooks/usePermitsAwaiting';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { permitDisplayStatusValues } from '../../api/schema';

const URL_FILTERS = ['status', 'level'] as const;

/** Regulators read permits of their area; enterprise users apply, approve, extend and close their own. */
export default function PermitsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  const enterpriseUser = !!user && ENTERPRISE_ROLES.includes(user.role);
  // Filters and the permit to open given in the address (the overview map opens a permit in force).
  const fromUrl = useUrlFilters(URL_FILTERS);
  const [params] = useSearchParams();
  const list = usePaged<PermitSummary>('/api/permits', fromUrl);
  const { filters, setFilters } = list;
  const [applying, setApplying] = useState(false);
  const [editing, setEditing] = useState<PermitDetail | null>(null);
  const [open, setOpen] = useState<string | null>(params.get('open'));
  useEffect(() => setFilters(fromUrl), [fromUrl, setFilters]);
  const openInUrl = params.get('open');
  useEffect(() => {
    if (openInUrl) setOpen(openInUrl);
  }, [openInUrl]);
  const queue = filters.status === 'submitted';

  return (
    <div data-testid="permits-page">
      <PageHeader
        title={t('permits.title')}
        subtitle={enterpriseUser ? undefined : t('permits.readOnly')}
        extra={
          enterpriseUser && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setApplying(true)} data-testid="apply-permit">
              {t('permits.apply')}
            </Button>
          )
        }
      />
      <Card size="small">
        <div className="toolbar">
          {enterpriseUser && (
            <Segmented
              value={queue ? 'queue' : 'all'}
              onChange={(v) => setFilters({ ...filters, status: v === 'queue' ? 'submitted' : undefined })}
              options={[
                { value: 'all', label: t('common.all') },
                { value: 'queue', label: t('permits.queue') },
              ]}
            />
          )}
          <Select
            allowClear
            placeholder={t('common.status')}
            style={{ width: 130 }}
            value={filters.status as string | undefined}
            onChange={(v) => setFilters({ ...filters, status: v })}
            options={permitDisplayStatusValues.map((s) => ({ value: s, label: t(`permitStatus.${s}`) }))}
            data-testid="filter-status"
          />
          <Select
            allowClear
            placeholder={t('permits.level')}
            style={{ width: 110 }}
            value={filters.level as string | undefined}
            onChange={(v) => setFilters({ ...filters, level: v })}
            options={PERMIT_LEVELS.map((s) => ({ value: s, label: t(`permitLevel.${s}`) }))}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<PermitSummary>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 900 }}
            onRow={(p) => ({ onClick: () => setOpen(p.id), style: { cursor: 'pointer' } })}
            locale={{
              emptyText: (
                <EmptyState description={enterpriseUser ? t('permits.emptyEnterprise') : t('permits.empty')} />
              ),
            }}
            columns={[
              { title: t('permits.permitNo'), dataIndex: 'permitNo', width: 120 },
              {
                title: t('permits.work'),
                dataIndex: 'workDescription',
                render: (v: string, p) => (
                  <>
                    <div>{v}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {p.site.address}
                    </Typography.Text>
                  </>
                ),
              },
              ...(enterpriseUser ? [] : [{ title: t('common.enterprise'), dataIndex: 'enterpriseName' }]),
              {
                title: t('permits.level'),
                dataIndex: 'effectiveLevel',
                width: 80,
                render: (v: string) => t(`permitLevel.${v}`),
              },
              {
                title: t('permits.window'),
                key: 'w',
                width: 200,
                render: (_: unknown, p) => (
                  <>
                    {fmtTime(p.plannedStart)}
                    <div>→ {fmtTime(p.plannedEnd)}</div>
                  </>
                ),
              },
              {
                title: t('permits.welders'),
                key: 'wl',
                width: 120,
                render: (_: unknown, p) => p.welders.map((w) => w.realName).join('、'),
              },
              {
                title: t('common.status'),
                dataIndex: 'status',
                width: 90,
                render: (v: string) => <EnumTag kind="permitStatus" value={v} />,
              },
              {
                title: t('permits.nextStep'),
                key: 'n',
                width: 150,
                render: (_: unknown, p) =>
                  p.status === 'submitted' && p.approval.nextPosition ? t(`position.${p.approval.nextPosition}`) : '—',
              },
            ]}
          />
        )}
      </Card>
      <PermitApplyModal
        open={applying || !!editing}
        permit={editing}
        onClose={(p) => {
          setApplying(false);
          setEditing(null);
          if (p) {
            void message.success(p.status === 'submitted' ? t('permits.submitted') : t('permits.created'));
            list.reload();
            setOpen(p.id);
          }
        }}
      />
      <PermitDrawer
        permitId={open}
        canAct={enterpriseUser}
        onClose={() => setOpen(null)}
        onChanged={() => {
          list.reload();
          window.dispatchEvent(new Event(PERMITS_CHANGED_EVENT));
        }}
        onEdit={(p) => {
          setOpen(null);
          setEditing(p);
        }}
      />
    </div>
  );
}
