import { Inject, Injectable } from '@nestjs/common';
import { createEnvelope, DownMessageType, Envelope, PayloadOf, signEnvelope, validateMessage } from '@arcgate/protocol';
import { Clock } from '../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MqttConnection } from '../mqtt/mqtt-connection';
import { DeviceOutbox } from './device-ports';

/**
 * Signs every server→device message with the server's device key and publishes it to the chip's down topic.
 * Outside production every message is validated against the protocol schema before it leaves (a failure is a
 * server bug the tests catch); in production that per-message check is skipped, since the bodies are built here.
 */
@Injectable()
export class MqttDeviceOutbox implements DeviceOutbox {
  private readonly validate: boolean;

  constructor(
    private readonly mqtt: MqttConnection,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.validate = config.nodeEnv !== 'production';
  }

  async send<T>(chipId: string, type: DownMessageType, body: T): Promise<void> {
    const envelope = signEnvelope(
      this.config.secrets.deviceSigningKey,
      createEnvelope(type, { chip: chipId, body }, this.clock.now()) as Envelope,
    );
    // A message the device would reject is a server bug: refuse to send it rather than confuse the device.
    const problems = this.validate ? validateMessage(envelope) : [];
    if (problems.length)
      throw new Error(
        `refusing to send an invalid ${type}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      );
    const kind = `down/${type}` as const;
    // The envelope just built for `type` is that topic's message (validated above outside production).
    await this.mqtt.publishToDevice(chipId, kind, envelope as PayloadOf<typeof kind>);
  }
}
