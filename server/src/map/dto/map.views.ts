import { ApiProperty } from '@nestjs/swagger';
import { AlertSeverity, AlertState, AlertType } from '../../alerts/alert-type';
import { MachineStatus } from '../../machines/machine.entity';
import { ReportStatus } from '../../reports/report.entity';

/** Where a position on the map comes from, best first. */
export type MapPositionSource = 'device' | 'permit_site' | 'enterprise';
export const MAP_POSITION_SOURCES: MapPositionSource[] = ['device', 'permit_site', 'enterprise'];

export class MapPoint {
  @ApiProperty({ description: 'WGS-84 latitude' }) lat!: number;
  @ApiProperty({ description: 'WGS-84 longitude' }) lng!: number;
}

export class MapTilesView {
  @ApiProperty({ enum: ['tianditu', 'amap'] }) provider!: 'tianditu' | 'amap';
  @ApiProperty({ description: "The provider's browser key (it travels in every tile URL the browser loads)" })
  key!: string;
}

export class MapSettingsView {
  @ApiProperty({
    type: MapTilesView,
    nullable: true,
    description: 'No tiles configured: the map draws boundaries only',
  })
  tiles!: MapTilesView | null;
  @ApiProperty({ description: 'Region boundaries are configured (GET /api/map/boundaries)' })
  boundaries!: boolean;
  @ApiProperty({ description: 'The boundaries file says it is schematic (demo data), not official boundaries' })
  schematic!: boolean;
}

export class MapMachine {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() serialNumber!: string;
  @ApiProperty({ enum: MachineStatus }) status!: MachineStatus;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty({ description: 'A chip is bound' }) chipped!: boolean;
  @ApiProperty({ description: 'Its chip is connected now' }) online!: boolean;
  @ApiProperty({ description: 'Its chip reports an arc now' }) arcing!: boolean;
  @ApiProperty({ type: MapPoint, nullable: true }) position!: MapPoint | null;
  @ApiProperty({
    enum: MAP_POSITION_SOURCES,
    nullable: true,
    description:
      "device: the chip's last reported fix; permit_site: the site of the machine's latest approved permit; enterprise: the enterprise's registered location",
  })
  positionSource!: MapPositionSource | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the device reported it' })
  positionAt!: Date | null;
}

export class MapAlert {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: AlertType }) type!: AlertType;
  @ApiProperty({ enum: AlertSeverity }) severity!: AlertSeverity;
  @ApiProperty({ enum: AlertState }) state!: AlertState;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty({ format: 'uuid', nullable: true }) machineId!: string | null;
  @ApiProperty({ type: String, nullable: true }) machineName!: string | null;
  @ApiProperty() count!: number;
  @ApiProperty({ type: String, format: 'date-time' }) lastSeenAt!: Date;
  @ApiProperty({ type: MapPoint, nullable: true }) position!: MapPoint | null;
  @ApiProperty({ enum: MAP_POSITION_SOURCES, nullable: true }) positionSource!: MapPositionSource | null;
}

export class MapPermit {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() level!: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() siteAddress!: string;
  @ApiProperty({ type: String, format: 'date-time' }) plannedStart!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) plannedEnd!: Date;
  @ApiProperty({ type: MapPoint }) position!: MapPoint;
}

export class MapReport {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ReportStatus }) status!: ReportStatus;
  @ApiProperty({ type: String, nullable: true, description: 'The address the reporter gave' }) address!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: MapPoint, description: 'Where the reporter was or picked on the map' }) position!: MapPoint;
}

export class MapTruncated {
  @ApiProperty() machines!: boolean;
  @ApiProperty() alerts!: boolean;
  @ApiProperty() permits!: boolean;
  @ApiProperty() reports!: boolean;
}

export class MapFeaturesView {
  @ApiProperty({ type: String, format: 'date-time' }) generatedAt!: Date;
  @ApiProperty({ type: [MapMachine], description: 'Machines in scope that are not retired' }) machines!: MapMachine[];
  @ApiProperty({ type: [MapAlert], description: 'Alerts in scope that are not closed, newest first' })
  alerts!: MapAlert[];
  @ApiProperty({ type: [MapPermit], description: 'Approved permits whose window holds now' }) permits!: MapPermit[];
  @ApiProperty({
    type: [MapReport],
    description:
      "Public reports with a location that are not rejected or closed (regulators' scope; none for enterprises)",
  })
  reports!: MapReport[];
  @ApiProperty({ type: MapTruncated, description: 'A list hit its cap (MAP_LIMITS) and shows only the first' })
  truncated!: MapTruncated;
}
