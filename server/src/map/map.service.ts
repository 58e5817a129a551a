import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../access/actor';
import { AlertSeverity, AlertState, AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RegionBoundaries } from '../config/map-config';
import { MachineStatus } from '../machines/machine.entity';
import { ReportStatus } from '../reports/report.entity';
import { MapFeaturesView, MapPoint, MapPositionSource, MapSettingsView } from './dto/map.views';
import { MAP_LIMITS, MapRepository, PointJson } from './map.repository';

const EMPTY_BOUNDARIES: RegionBoundaries = { type: 'FeatureCollection', schematic: false, features: [] };

function point(lat: unknown, lng: unknown): MapPoint | null {
  if (lat === null || lat === undefined || lng === null || lng === undefined) return null;
  const p = { lat: Number(lat), lng: Number(lng) };
  return Number.isFinite(p.lat) && Number.isFinite(p.lng) && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180 ? p : null;
}

/** The best place known, with where it comes from: the device's own fix, the last permit site, the enterprise. */
export function bestPosition(r: {
  device_position: PointJson | null;
  permit_site: PointJson | null;
  enterprise_latitude: string | null;
  enterprise_longitude: string | null;
}): { position: MapPoint | null; positionSource: MapPositionSource | null } {
  const candidates: [MapPositionSource, MapPoint | null][] = [
    ['device', r.device_position ? point(r.device_position.lat, r.device_position.lng) : null],
    ['permit_site', r.permit_site ? point(r.permit_site.lat, r.permit_site.lng) : null],
    ['enterprise', point(r.enterprise_latitude, r.enterprise_longitude)],
  ];
  const found = candidates.find(([, p]) => p !== null);
  return found ? { position: found[1], positionSource: found[0] } : { position: null, positionSource: null };
}

const cut = <T>(rows: T[], limit: number): [T[], boolean] =>
  rows.length > limit ? [rows.slice(0, limit), true] : [rows, false];

/** The overview's map: settings and boundaries (deployment configuration) and the caller's features. */
@Injectable()
export class MapService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: MapRepository,
    private readonly clock: Clock,
  ) {}

  settings(): MapSettingsView {
    const map = this.config.map;
    return {
      tiles: map?.tiles ? { provider: map.tiles.provider, key: map.tiles.key } : null,
      boundaries: !!map?.boundaries?.features.length,
      schematic: !!map?.boundaries?.schematic,
    };
  }

  /** Serialised once: the file can be large and the route is public. */
  private boundariesText?: string;

  boundaries(): RegionBoundaries {
    return this.config.map?.boundaries ?? EMPTY_BOUNDARIES;
  }

  boundariesJson(): string {
    this.boundariesText ??= JSON.stringify(this.boundaries());
    return this.boundariesText;
  }

  async features(actor: Actor): Promise<MapFeaturesView> {
    const now = this.clock.now();
    const [machineRows, alertRows, permitRows, reportRows] = await Promise.all([
      this.repo.machinesInScope(actor),
      this.repo.openAlertsInScope(actor),
      this.repo.permitsInForce(actor, now),
      this.repo.openReportsInScope(actor),
    ]);
    const [machines, machinesCut] = cut(machineRows, MAP_LIMITS.machines);
    const [alerts, alertsCut] = cut(alertRows, MAP_LIMITS.alerts);
    const [permits, permitsCut] = cut(permitRows, MAP_LIMITS.permits);
    const [reports, reportsCut] = cut(reportRows, MAP_LIMITS.reports);
    return {
      generatedAt: now,
      machines: machines.map((r) => {
        const { position, positionSource } = bestPosition(r);
        return {
          id: r.id,
          name: r.name,
          serialNumber: r.serial_number,
          status: r.status as MachineStatus,
          enterpriseId: r.enterprise_id,
          enterpriseName: r.enterprise_name,
          chipped: !!r.chipped,
          online: !!r.online,
          arcing: !!r.arcing,
          position,
          positionSource,
          positionAt: positionSource === 'device' ? r.device_position_at : null,
        };
      }),
      alerts: alerts.map((r) => ({
        id: r.id,
        type: r.type as AlertType,
        severity: r.severity as AlertSeverity,
        state: r.state as AlertState,
        enterpriseId: r.enterprise_id,
        enterpriseName: r.enterprise_name,
        machineId: r.machine_id,
        machineName: r.machine_name,
        count: Number(r.count),
        lastSeenAt: r.last_seen_at,
        ...bestPosition(r),
      })),
      permits: permits.flatMap((r) => {
        const position = point(r.site_latitude, r.site_longitude);
        return position
          ? [
              {
                id: r.id,
                level: r.level,
                enterpriseId: r.enterprise_id,
                enterpriseName: r.enterprise_name,
                siteAddress: r.site_address,
                plannedStart: r.planned_start,
                plannedEnd: r.planned_end,
                position,
              },
            ]
          : [];
      }),
      reports: reports.flatMap((r) => {
        const position = point(r.latitude, r.longitude);
        return position
          ? [{ id: r.id, status: r.status as ReportStatus, address: r.address, createdAt: r.created_at, position }]
          : [];
      }),
      truncated: { machines: machinesCut, alerts: alertsCut, permits: permitsCut, reports: reportsCut },
    };
  }
}
