import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Input, Select, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WelderView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useDownload } from '../../hooks/useDownload';
import { usePaged } from '../../hooks/usePaged';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { PageHeader } from '../PageHeader';
import { EmptyState, ErrorState } from '../states';
import { EnumTag } from '../tags';
import { WelderDrawer } from './WelderDrawer';
import { WelderFormModal } from './WelderFormModal';
import { welderStatusValues, type components } from '../../api/schema';

type Schemas = components['schemas'];

/** Training tiers each role records (分级培训): regulators county/township, enterprises their own. */
function tiersFor(role: string | undefined): string[] {
  if (role === 'regulator') return ['county', 'township'];
  if (role === 'platform_admin') return ['county', 'township', 'enterprise'];
  if (role === 'enterprise_admin' || role === 'safety_manager') return ['enterprise'];
  return [];
}

export function WeldersView({ mode }: { mode: 'ledger' | 'workspace' }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { user } = useSession();
  // The overview's welder card links here with ?status=active: the same count, the same rule.
  const list = usePaged<WelderView>('/api/welders', useUrlFilters(['status', 'certificateState', 'employerId']));
  const { filters, setFilters } = list;
  const { busy, download } = useDownload();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const workspace = mode === 'workspace';
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== '');

  return (
    <div data-testid="welders-page">
      <PageHeader
        title={workspace ? t('welders.workspaceTitle') : t('welders.title')}
        extra={
          <>
            {workspace && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="register-welder"
              >
                {t('welders.register')}
              </Button>
            )}
            <Button
              icon={<DownloadOutlined />}
              loading={busy}
              onClick={() => download('/api/ledgers/welders/export.xlsx', 'welders.xlsx', filters)}
              data-testid="export"
            >
              {t('common.export')}
            </Button>
          </>
        }
      />
      <Card size="small">
        <div className="toolbar">
          <Input.Search
            allowClear
            placeholder={t('welders.searchPlaceholder')}
            style={{ width: 200 }}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={(v) => setFilters({ ...filters, q: v || undefined })}
          />
          <Select
            allowClear
            placeholder={t('welders.certificateState')}
            style={{ width: 150 }}
            value={filters.certificateState as string | undefined}
            onChange={(v) => setFilters({ ...filters, certificateState: v })}
            options={(
              [
                'valid',
                'expiring_90d',
                'expired',
                'review_overdue',
                'unverified',
                'none',
              ] as const satisfies readonly Schemas['CertificateState'][]
            ).map((s) => ({ value: s, label: t(`certState.${s}`) }))}
            data-testid="filter-cert"
          />
          <Select
            allowClear
            placeholder={t('common.status')}
            style={{ width: 110 }}
            value={filters.status as string | undefined}
            onChange={(v) => setFilters({ ...filters, status: v })}
            options={welderStatusValues.map((s) => ({ value: s, label: t(`welderStatus.${s}`) }))}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<WelderView>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 800 }}
            onRow={(w) => ({ onClick: () => setOpen(w.id), style: { cursor: 'pointer' } })}
            locale={{
              emptyText: (
                <EmptyState description={filtered || !workspace ? t('welders.emptyFiltered') : t('welders.empty')} />
              ),
            }}
            columns={[
              { title: t('welders.realName'), dataIndex: 'realName', width: 100 },
              { title: t('welders.idNumber'), dataIndex: 'idNumberMasked', width: 180 },
              {
                title: t('welders.phone'),
                dataIndex: 'phoneMasked',
                width: 130,
                render: (v: string | null) => v ?? '—',
              },
              { title: t('welders.employer'), dataIndex: 'employerName' },
              {
                title: t('welders.certificateState'),
                dataIndex: 'certificateState',
                width: 130,
                render: (v: string) => <EnumTag kind="certState" value={v} />,
              },
              {
                title: t('common.status'),
                dataIndex: 'status',
                width: 80,
                render: (v: string) => t(`welderStatus.${v}`),
              },
            ]}
          />
        )}
      </Card>
      <WelderFormModal
        open={creating}
        onClose={(w) => {
          setCreating(false);
          if (w) {
            void message.success(t('welders.registered'));
            list.reload();
            setOpen(w.id);
          }
        }}
      />
      <WelderDrawer
        welderId={open}
        canManage={workspace}
        trainingTiers={tiersFor(user?.role)}
        onClose={() => setOpen(null)}
        onChanged={list.reload}
      />
    </div>
  );
}
