import { DownloadOutlined, MoreOutlined, PlusOutlined, PrinterOutlined, QrcodeOutlined } from '@ant-design/icons';
import { App, Button, Card, Dropdown, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { apiBlob, withQuery } from '../../api/client';
import type { MachineView } from '../../api/types';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { useDownload } from '../../hooks/useDownload';
import { usePaged } from '../../hooks/usePaged';
import { useUrlFilters } from '../../hooks/useUrlFilters';
import { MachineTimelineDrawer } from '../MachineTimelineDrawer';
import { PageHeader } from '../PageHeader';
import { EmptyState, ErrorState } from '../states';
import { EnumTag } from '../tags';
import { MachineCodeDrawer } from './MachineCodeDrawer';
import { MachineFormModal } from './MachineFormModal';
import { MachineStatusModal, type MachineTarget } from './MachineStatusModal';
import { machineKindValues, machineStatusValues, type components } from '../../api/schema';

type CaseSuspension = components['schemas']['CaseSuspensionView'];

const URL_FILTERS = ['q', 'status', 'kind', 'hasChip'] as const;

/** The nameplate ratings under the kind: "21 kVA · 315 A"; empty when none is known (gas sets). */
function ratings(m: MachineView): string {
  return [m.ratedInputKva ? `${m.ratedInputKva} kVA` : '', m.ratedCurrentA ? `${m.ratedCurrentA} A` : '']
    .filter(Boolean)
    .join(' · ');
}

/**
 * The machine list. "ledger" (regulators): search, filters, export, timeline, suspend.
 * "workspace" (the enterprise): also register, bind chips, codes and label printing, retire.
 */
export function MachinesView({ mode }: { mode: 'ledger' | 'workspace' }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  // Filters given in the address (the overview map opens a machine by its serial number).
  const fromUrl = useUrlFilters(URL_FILTERS);
  const list = usePaged<MachineView>('/api/machines', fromUrl);
  const { filters, setFilters } = list;
  const { busy: exporting, download } = useDownload();
  const [q, setQ] = useState((fromUrl.q as string | undefined) ?? '');
  useEffect(() => {
    setFilters(fromUrl);
    setQ((fromUrl.q as string | undefined) ?? '');
  }, [fromUrl, setFilters]);
  const [selected, setSelected] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<MachineView | null>(null);
  const [statusTarget, setStatusTarget] = useState<{ machine: MachineView; target: MachineTarget } | null>(null);
  const navigate = useNavigate();
  const [codeOf, setCodeOf] = useState<MachineView | null>(null);
  const [timeline, setTimeline] = useState<string | null>(null);
  const [printing, setPrinting] = useState(false);
  const workspace = mode === 'workspace';
  // Machines an open enforcement case keeps suspended (立案暂停): marked with a link to the case.
  const suspensions = useApi<CaseSuspension[]>(workspace ? null : '/api/cases/suspended-machines');
  const caseOf = new Map((suspensions.data ?? []).map((x) => [x.machineId, x.caseId]));
  const filtered = Object.values(filters).some((v) => v !== undefined && v !== '');

  // The label sheet needs the token: fetch it and open the HTML through a blob URL.
  const printLabels = async () => {
    const win = window.open('', '_blank');
    setPrinting(true);
    try {
      const { blob } = await apiBlob(withQuery('/api/codes/labels', { machineIds: selected }));
      const url = URL.createObjectURL(new Blob([blob], { type: 'text/html;charset=utf-8' }));
      if (win) win.location.href = url;
      else window.open(url, '_blank');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      win?.close();
      report(e);
    } finally {
      setPrinting(false);
    }
  };

  const actionsFor = (m: MachineView) => {
    const items: { key: string; label: string; danger?: boolean; onClick: () => void }[] = [];
    if (m.status === 'retired') return items;
    if (m.status !== 'active')
      items.push({
        key: 'activate',
        label: t('machines.activate'),
        onClick: () => setStatusTarget({ machine: m, target: 'active' }),
      });
    if (m.status !== 'suspended')
      items.push({
        key: 'suspend',
        label: t('machines.suspend'),
        onClick: () => setStatusTarget({ machine: m, target: 'suspended' }),
      });
    if (workspace) {
      items.push({ key: 'edit', label: t('machines.edit'), onClick: () => setEditing(m) });
      // 加芯, 换芯 and unbinding happen on a phone-size page at the machine (scan the chip's label).
      items.push({
        key: 'chip',
        label: m.chipId ? t('chipBinding.open') : t('machines.bindChip'),
        onClick: () => void navigate(`/workspace/machines/${m.id}/chip`),
      });
      items.push({
        key: 'retire',
        label: t('machines.retire'),
        danger: true,
        onClick: () => setStatusTarget({ machine: m, target: 'retired' }),
      });
    }
    return items;
  };

  return (
    <div data-testid="machines-page">
      <PageHeader
        title={workspace ? t('machines.workspaceTitle') : t('machines.title')}
        subtitle={workspace ? t('machines.selectToPrint') : undefined}
        extra={
          <>
            {workspace && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="register-machine"
              >
                {t('machines.register')}
              </Button>
            )}
            {workspace && (
              <Button
                icon={<PrinterOutlined />}
                disabled={!selected.length}
                loading={printing}
                onClick={printLabels}
                data-testid="print-labels"
              >
                {selected.length ? t('machines.printSelected', { count: selected.length }) : t('machines.printLabels')}
              </Button>
            )}
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              onClick={() => download('/api/ledgers/machines/export.xlsx', 'machines.xlsx', filters)}
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
            placeholder={t('machines.searchPlaceholder')}
            style={{ width: 220 }}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onSearch={(v) => setFilters({ ...filters, q: v || undefined })}
            data-testid="machine-search"
          />
          <Select
            allowClear
            placeholder={t('common.status')}
            style={{ width: 120 }}
            value={filters.status as string | undefined}
            onChange={(v) => setFilters({ ...filters, status: v })}
            options={machineStatusValues.map((s) => ({ value: s, label: t(`machineStatus.${s}`) }))}
          />
          <Select
            allowClear
            placeholder={t('machines.kind')}
            style={{ width: 150 }}
            value={filters.kind as string | undefined}
            onChange={(v) => setFilters({ ...filters, kind: v })}
            options={machineKindValues.map((s) => ({ value: s, label: t(`machineKind.${s}`) }))}
          />
          <Select
            allowClear
            placeholder={t('machines.hasChip')}
            style={{ width: 120 }}
            value={filters.hasChip as string | undefined}
            onChange={(v) => setFilters({ ...filters, hasChip: v })}
            options={[
              { value: 'true', label: t('machines.chipped') },
              { value: 'false', label: t('machines.notChipped') },
            ]}
          />
        </div>
        {list.error && !list.data ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : (
          <Table<MachineView>
            rowKey="id"
            size="small"
            loading={list.loading}
            dataSource={list.items}
            pagination={list.pagination}
            scroll={{ x: 1000 }}
            rowSelection={
              workspace
                ? {
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected(keys as string[]),
                    getCheckboxProps: (m) => ({ disabled: !m.code }),
                  }
                : undefined
            }
            locale={{
              emptyText: (
                <EmptyState description={filtered || !workspace ? t('machines.emptyFiltered') : t('machines.empty')} />
              ),
            }}
            columns={[
              {
                title: t('machines.name'),
                dataIndex: 'name',
                render: (v: string, m) => (
                  <>
                    <div>{v}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {m.manufacturer} {m.model}
                    </Typography.Text>
                  </>
                ),
              },
              ...(workspace ? [] : [{ title: t('common.enterprise'), dataIndex: 'enterpriseName' }]),
              {
                title: t('machines.kind'),
                dataIndex: 'kind',
                width: 130,
                render: (v: string, m) => (
                  <>
                    {t(`machineKind.${v}`)}
                    {ratings(m) ? <div style={{ fontSize: 12 }}>{ratings(m)}</div> : null}
                  </>
                ),
              },
              { title: t('machines.serialNumber'), dataIndex: 'serialNumber', width: 170 },
              {
                title: t('machines.chip'),
                dataIndex: 'chipId',
                width: 120,
                render: (v: string | null) =>
                  v ? (
                    <Tag color="blue" title={v}>
                      {t('machines.chipped')}
                    </Tag>
                  ) : (
                    <Tag>{t('machines.notChipped')}</Tag>
                  ),
              },
              {
                title: t('common.status'),
                dataIndex: 'status',
                width: 120,
                render: (v: string, m) => (
                  <>
                    <EnumTag kind="machineStatus" value={v} />
                    {caseOf.has(m.id) ? (
                      <Link
                        to={`/console/cases?open=${caseOf.get(m.id)}`}
                        onClick={(e) => e.stopPropagation()}
                        data-testid="machine-case-suspension"
                      >
                        <Tag color="volcano" style={{ marginTop: 4 }}>
                          {t('machines.byCase')}
                        </Tag>
                      </Link>
                    ) : (
                      m.suspendedByRegulator && <div style={{ fontSize: 12 }}>{t('machines.byRegulator')}</div>
                    )}
                  </>
                ),
              },
              {
                title: t('common.actions'),
                key: 'a',
                width: 170,
                render: (_: unknown, m) => {
                  const items = actionsFor(m);
                  return (
                    <Space size={4}>
                      <Button
                        size="small"
                        icon={<QrcodeOutlined />}
                        onClick={() => setCodeOf(m)}
                        disabled={!m.code}
                        title={t('machines.code')}
                      />
                      <Button size="small" type="link" onClick={() => setTimeline(m.id)}>
                        {t('alerts.timeline')}
                      </Button>
                      {items.length > 0 && (
                        <Dropdown
                          menu={{
                            items: items.map((i) => ({
                              key: i.key,
                              label: i.label,
                              danger: i.danger,
                              onClick: i.onClick,
                            })),
                          }}
                          trigger={['click']}
                        >
                          <Button size="small" icon={<MoreOutlined />} data-testid="machine-actions" />
                        </Dropdown>
                      )}
                    </Space>
                  );
                },
              },
            ]}
          />
        )}
      </Card>
      <MachineFormModal
        open={creating}
        onClose={(m) => {
          setCreating(false);
          if (m) {
            void message.success(t('machines.registered'));
            list.reload();
            setCodeOf(m);
          }
        }}
      />
      <MachineFormModal
        key={editing?.id ?? 'none'}
        open={!!editing}
        machine={editing}
        onClose={(m) => {
          setEditing(null);
          if (m) {
            void message.success(t('common.saved'));
            list.reload();
          }
        }}
      />
      <MachineStatusModal
        machine={statusTarget?.machine ?? null}
        target={statusTarget?.target ?? 'active'}
        onClose={(c) => {
          setStatusTarget(null);
          if (c) {
            void message.success(t('common.done'));
            list.reload();
          }
        }}
      />
      <MachineCodeDrawer
        machine={codeOf}
        canManage={workspace}
        onClose={() => setCodeOf(null)}
        onChanged={list.reload}
      />
      <MachineTimelineDrawer machineId={timeline} onClose={() => setTimeline(null)} />
    </div>
  );
}
