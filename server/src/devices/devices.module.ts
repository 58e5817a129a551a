import { DynamicModule, Module, Type } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { MachinesModule } from '../machines/machines.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { BrokerAuth } from './broker-auth';
import { BrokerHooksController } from './broker-hooks.controller';
import { ChipUnboundListener } from './chip-unbound-listener';
import { ChipsController } from './chips.controller';
import { ChipsRepository } from './chips.repository';
import { ChipsService } from './chips.service';
import { ConnectTokenUsesRepository } from './connect-token-uses.repository';
import { DeviceCoreModule } from '../device-core/device-core.module';
import { DeviceGateway } from './device-gateway';
import { DevicePresence } from './device-presence';
import { EmbeddedBrokerHooks } from './embedded-broker-hooks';
import { FloodWatch } from './flood-watch';
import { MessageSeqRecorder } from './message-seq-recorder';
import { MessageSeqWindow } from './message-seq-window';
import { DeviceRateLimiter } from './rate-limiter';
import { RejectedMessagesRepository } from './rejected-messages.repository';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Chip } from './chip.entity';
import { RejectedMessage } from './rejected-message.entity';
import { DeviceCertificate } from './pki/device-certificate.entity';
import { DeviceCertificatesRepository } from './pki/device-certificates.repository';
import { DevicePki } from './pki/device-pki.service';
import { CertificateRenewal } from './pki/certificate-renewal';

/**
 * Devices: chip binding, broker authentication/ACL (embedded hooks and HTTP hooks), the gateway that
 * verifies every device message (it hears them through MqttConnection), presence. Exports
 * DEVICE_OUTBOX (via DeviceCoreModule) and ChipsService. Register it with withArmRequestsFrom.
 */
@Module({
  imports: [
    MachinesModule,
    TypeOrmModule.forFeature([Chip, RejectedMessage, DeviceCertificate]),
    DeviceCoreModule,
    TelemetryModule,
    AlertsModule,
  ],
  controllers: [ChipsController, BrokerHooksController],
  providers: [
    ChipsService,
    ChipUnboundListener,
    ChipsRepository,
    BrokerAuth,
    ConnectTokenUsesRepository,
    EmbeddedBrokerHooks,
    DeviceGateway,
    DevicePresence,
    RejectedMessagesRepository,
    MessageSeqRecorder,
    MessageSeqWindow,
    DeviceRateLimiter,
    FloodWatch,
    DevicePki,
    DeviceCertificatesRepository,
    CertificateRenewal,
  ],
  exports: [DeviceCoreModule, ChipsService],
})
export class DevicesModule {
  /**
   * `armRequests` provides ARM_REQUEST_HANDLER (device-ports.ts), the gateway's port to the arm
   * decision: the authorization module. It is bound at the composition root because that module
   * already imports DeviceCoreModule; devices/ itself never imports the engine.
   */
  static withArmRequestsFrom(armRequests: Type<unknown>): DynamicModule {
    return { module: DevicesModule, imports: [armRequests] };
  }
}
