import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { DeviceAlerts } from './device-alerts';
import { MqttDeviceOutbox } from './device-outbox';
import { DEVICE_OUTBOX } from './device-ports';

/** What both the gateway and the telemetry ingest need: the signed outbox and throttled device alerts. */
@Module({
  imports: [AlertsModule],
  providers: [MqttDeviceOutbox, { provide: DEVICE_OUTBOX, useExisting: MqttDeviceOutbox }, DeviceAlerts],
  exports: [DEVICE_OUTBOX, DeviceAlerts],
})
export class DeviceCoreModule {}
