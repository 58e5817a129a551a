import { Alert, Button, Card, Checkbox, Col, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useApi } from '../../hooks/useApi';
import { fmtTime } from '../format';
import { ErrorState } from '../states';
import {
  loadMapBase,
  type MapAlert,
  type MapBase,
  type MapFeatures,
  type MapMachine,
  type MapPermit,
  type MapReport,
} from './map-api';
import { groupByPlace, groupTone, machineTone, MACHINE_TONES, type PlaceGroup, worstSeverity } from './map-groups';
import type { MapPin } from './RegionMap';
import './map.css';

const RegionMap = lazy(() => import('./RegionMap'));

type Layer = 'machines' | 'alerts' | 'permits' | 'reports';
const LAYERS: Layer[] = ['machines', 'alerts', 'permits', 'reports'];
type Selected =
  | { kind: 'machine'; group: PlaceGroup<MapMachine> }
  | { kind: 'alert'; group: PlaceGroup<MapAlert> }
  | { kind: 'permit'; group: PlaceGroup<MapPermit> }
  | { kind: 'report'; group: PlaceGroup<MapReport> };

const MAP_HEIGHT = 440;
const TONE_COLORS = { arcing: 'orange', online: 'green', chipped: 'blue', unchipped: 'default' } as const;

/**
 * The overview's map: region boundaries (and tiles when configured), the scope's machines, not-closed
 * alerts and permits in force; a pin opens its items, each of which opens its list, filtered to it.
 */
export default function OverviewMap({
  base: listBase,
  focusCodes,
}: {
  base: '/console' | '/workspace';
  focusCodes?: string[];
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const features = useApi<MapFeatures>('/api/map/features');
  const [mapBase, setMapBase] = useState<MapBase | null>(null);
  const [baseError, setBaseError] = useState<unknown>(null);
  const [layers, setLayers] = useState<Layer[]>(LAYERS);
  const [selected, setSelected] = useState<Selected | null>(null);

  useEffect(() => {
    let live = true;
    loadMapBase().then(
      (b) => live && setMapBase(b),
      (e: unknown) => live && setBaseError(e),
    );
    return () => {
      live = false;
    };
  }, []);

  const data = features.data;
  const pins = useMemo<MapPin[]>(() => {
    if (!data) return [];
    const out: MapPin[] = [];
    if (layers.includes('machines'))
      for (const g of groupByPlace(data.machines))
        out.push({
          key: `m:${g.key}`,
          kind: 'machine',
          tone: groupTone(g.items),
          position: g.position,
          count: g.items.length,
          label: t('map.pinMachines', { count: g.items.length, name: g.items[0].enterpriseName }),
          onClick: () => setSelected({ kind: 'machine', group: g }),
        });
    if (layers.includes('alerts'))
      for (const g of groupByPlace(data.alerts))
        out.push({
          key: `a:${g.key}`,
          kind: 'alert',
          tone: worstSeverity(g.items),
          position: g.position,
          count: g.items.length,
          label: t('map.pinAlerts', { count: g.items.length, name: g.items[0].enterpriseName }),
          onClick: () => setSelected({ kind: 'alert', group: g }),
        });
    if (layers.includes('permits'))
      for (const g of groupByPlace(data.permits))
        out.push({
          key: `p:${g.key}`,
          kind: 'permit',
          tone: 'permit',
          position: g.position,
          count: g.items.length,
          label: t('map.pinPermits', { count: g.items.length, name: g.items[0].enterpriseName }),
          onClick: () => setSelected({ kind: 'permit', group: g }),
        });
    if (layers.includes('reports'))
      for (const g of groupByPlace(data.reports))
        out.push({
          key: `r:${g.key}`,
          kind: 'report',
          tone: 'report',
          position: g.position,
          count: g.items.length,
          label: t('map.pinReports', { count: g.items.length }),
          onClick: () => setSelected({ kind: 'report', group: g }),
        });
    return out;
  }, [data, layers, t]);

  const error = features.error ?? baseError;
  const unplaced = data ? data.machines.filter((m) => !m.position).length : 0;
  const truncated = data ? LAYERS.filter((l) => data.truncated[l]) : [];
  const machinesList = listBase === '/console' ? '/console/ledgers/machines' : '/workspace/machines';

  const openMachine = (m: MapMachine) => void navigate(`${machinesList}?q=${encodeURIComponent(m.serialNumber)}`);
  const openAlert = (a: MapAlert) =>
    void navigate(
      `${listBase}/alerts?notClosed=true&${a.machineId ? `machineId=${a.machineId}` : `enterpriseId=${a.enterpriseId}`}`,
    );
  const openPermit = (p: MapPermit) => void navigate(`${listBase}/permits?status=active&open=${p.id}`);
  const openReport = (r: MapReport) => void navigate(`/console/reports?open=${r.id}`);
  // Enterprises have no reports layer (reports are the regulator's).
  const shown = listBase === '/console' ? LAYERS : LAYERS.filter((l) => l !== 'reports');

  return (
    <Card
      size="small"
      title={t('map.title')}
      data-testid="overview-map"
      extra={
        <Checkbox.Group
          value={layers}
          onChange={(v) => setLayers(v)}
          options={shown.map((l) => ({ value: l, label: t(`map.layer.${l}`) }))}
          data-testid="map-layers"
        />
      }
    >
      {error ? (
        <ErrorState error={error} onRetry={features.reload} />
      ) : (
        <Row gutter={[12, 12]}>
          <Col xs={24} lg={16}>
            {mapBase && data ? (
              <Suspense fallback={<div style={{ height: MAP_HEIGHT }} data-testid="map-loading" />}>
                <RegionMap base={mapBase} pins={pins} focusCodes={focusCodes} height={MAP_HEIGHT} />
              </Suspense>
            ) : (
              <div style={{ height: MAP_HEIGHT }} data-testid="map-loading" />
            )}
            <Space size={[12, 4]} wrap style={{ marginTop: 8, fontSize: 12 }} data-testid="map-legend">
              {MACHINE_TONES.map((tone) => (
                <span key={tone}>
                  <span className={`map-legend-dot map-pin-machine map-tone-${tone}`} /> {t(`map.tone.${tone}`)}
                </span>
              ))}
              <span>
                <span className="map-legend-dot map-pin-alert map-tone-critical" /> {t('map.layer.alerts')}
              </span>
              <span>
                <span className="map-legend-dot map-pin-permit map-tone-permit" /> {t('map.layer.permits')}
              </span>
              {shown.includes('reports') && (
                <span>
                  <span className="map-legend-dot map-pin-report map-tone-report" /> {t('map.layer.reports')}
                </span>
              )}
              {mapBase && !mapBase.tiles && <Tag>{t('map.noTiles')}</Tag>}
              {mapBase?.schematic && (
                <Tag color="orange" data-testid="map-schematic">
                  {t('map.schematic')}
                </Tag>
              )}
              {mapBase && !mapBase.boundaries && <Tag>{t('map.noBoundaries')}</Tag>}
              {unplaced > 0 && (
                <Typography.Text type="secondary">{t('map.unplaced', { count: unplaced })}</Typography.Text>
              )}
            </Space>
            {truncated.length > 0 && (
              <Alert
                type="warning"
                showIcon
                style={{ marginTop: 8 }}
                message={t('map.truncated', { layers: truncated.map((l) => t(`map.layer.${l}`)).join('、') })}
              />
            )}
          </Col>
          <Col xs={24} lg={8}>
            <div style={{ maxHeight: MAP_HEIGHT + 40, overflowY: 'auto' }} data-testid="map-details">
              {selected ? (
                <Details
                  selected={selected}
                  onMachine={openMachine}
                  onAlert={openAlert}
                  onPermit={openPermit}
                  onReport={openReport}
                />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('map.pickHint')} />
              )}
            </div>
          </Col>
        </Row>
      )}
    </Card>
  );
}

function Details({
  selected,
  onMachine,
  onAlert,
  onPermit,
  onReport,
}: {
  selected: Selected;
  onMachine: (m: MapMachine) => void;
  onAlert: (a: MapAlert) => void;
  onPermit: (p: MapPermit) => void;
  onReport: (r: MapReport) => void;
}) {
  const { t } = useTranslation();
  if (selected.kind === 'report')
    return (
      <List
        size="small"
        header={
          <Typography.Text strong>{t('map.reportsHere', { count: selected.group.items.length })}</Typography.Text>
        }
        dataSource={selected.group.items}
        renderItem={(r) => (
          <List.Item
            actions={[
              <Button key="open" type="link" size="small" onClick={() => onReport(r)} data-testid="map-open-report">
                {t('map.openReport')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={t(`public.reportStatus.${r.status}`)}
              description={
                <Space direction="vertical" size={2}>
                  {r.address && <span>{r.address}</span>}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {fmtTime(r.createdAt)}
                  </Typography.Text>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    );
  if (selected.kind === 'machine')
    return (
      <List
        size="small"
        header={
          <Typography.Text strong>{t('map.machinesHere', { count: selected.group.items.length })}</Typography.Text>
        }
        dataSource={selected.group.items}
        renderItem={(m) => (
          <List.Item
            actions={[
              <Button key="open" type="link" size="small" onClick={() => onMachine(m)} data-testid="map-open-machine">
                {t('map.openMachine')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={`${m.name} · ${m.serialNumber}`}
              description={
                <Space direction="vertical" size={2}>
                  <span>{m.enterpriseName}</span>
                  <Space size={4} wrap>
                    <Tag color={TONE_COLORS[machineTone(m)]}>{t(`map.tone.${machineTone(m)}`)}</Tag>
                    <Tag>{t(`machineStatus.${m.status}`)}</Tag>
                  </Space>
                  {m.positionSource && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="map-position-source">
                      {t(`map.source.${m.positionSource}`)}
                      {m.positionAt ? ` · ${fmtTime(m.positionAt)}` : ''}
                    </Typography.Text>
                  )}
                </Space>
              }
            />
          </List.Item>
        )}
      />
    );
  if (selected.kind === 'alert')
    return (
      <List
        size="small"
        header={<Typography.Text strong>{t('map.alertsHere', { count: selected.group.items.length })}</Typography.Text>}
        dataSource={selected.group.items}
        renderItem={(a) => (
          <List.Item
            actions={[
              <Button key="open" type="link" size="small" onClick={() => onAlert(a)} data-testid="map-open-alert">
                {t('map.openAlerts')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={t(`alertType.${a.type}`)}
              description={
                <Space direction="vertical" size={2}>
                  <span>
                    {a.enterpriseName}
                    {a.machineName ? ` · ${a.machineName}` : ''}
                  </span>
                  <Space size={4} wrap>
                    <Tag color={a.severity === 'critical' ? 'red' : a.severity === 'warning' ? 'orange' : 'blue'}>
                      {t(`severity.${a.severity}`)}
                    </Tag>
                    <Tag>{t(`alertState.${a.state}`)}</Tag>
                  </Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('map.alertSeen', { count: a.count, time: fmtTime(a.lastSeenAt) })}
                  </Typography.Text>
                  {a.positionSource && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t(`map.source.${a.positionSource}`)}
                    </Typography.Text>
                  )}
                </Space>
              }
            />
          </List.Item>
        )}
      />
    );
  return (
    <List
      size="small"
      header={<Typography.Text strong>{t('map.permitsHere', { count: selected.group.items.length })}</Typography.Text>}
      dataSource={selected.group.items}
      renderItem={(p) => (
        <List.Item
          actions={[
            <Button key="open" type="link" size="small" onClick={() => onPermit(p)} data-testid="map-open-permit">
              {t('map.openPermit')}
            </Button>,
          ]}
        >
          <List.Item.Meta
            title={`${t(`permitLevel.${p.level}`)} · ${p.enterpriseName}`}
            description={
              <Space direction="vertical" size={2}>
                <span>{p.siteAddress}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fmtTime(p.plannedStart)} – {fmtTime(p.plannedEnd)}
                </Typography.Text>
              </Space>
            }
          />
        </List.Item>
      )}
    />
  );
}
