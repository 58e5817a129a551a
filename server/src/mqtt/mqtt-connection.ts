import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type Aedes from 'aedes';
import { createHmac, randomBytes } from 'node:crypto';
import mqtt, { IClientOptions, IClientPublishOptions, MqttClient } from 'mqtt';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EMBEDDED_BROKER } from './embedded-broker.token';
import { memoryStreamPair } from './memory-stream-pair';

export const SERVER_MQTT_USERNAME = 'arcgate-server';

/** The server's own broker credentials, derived from its secret so that no extra setting is needed. */
export function serverMqttPassword(config: AppConfig): string {
  return serverMqttPasswordFor(config.secrets.jwt);
}

export function serverMqttPasswordFor(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('mqtt/server').digest('hex');
}

/**
 * The server's single MQTT connection. Starting it does not wait for the broker, so the HTTP API
 * stays up (and /api/health reports the broker down) while the broker is unreachable.
 * With the embedded broker it is an ordinary MQTT session over an in-memory stream instead of
 * loopback TCP: same CONNECT, credentials, ACL and QoS, without two kernel round trips per message.
 */
@Injectable()
export class MqttConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Mqtt');
  private client?: MqttClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(EMBEDDED_BROKER) private readonly embedded: Aedes | null = null,
  ) {}

  onModuleInit(): void {
    const options: IClientOptions = {
      clientId: `arcgate-server-${randomBytes(4).toString('hex')}`,
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(this.config),
      reconnectPeriod: 2000,
      connectTimeout: 5000,
      clean: true,
    };
    const broker = this.embedded;
    this.client = broker
      ? new MqttClient(() => {
        const [ours, brokers] = memoryStreamPair();
        broker.handle(brokers);
        return ours;
      }, options)
      : mqtt.connect(this.config.mqtt.url, options);
    this.client.on('connect', () => {
      // Grants and acks are small packets: send them at once rather than waiting on Nagle's algorithm.
      const stream = this.client?.stream as { setNoDelay?: (on: boolean) => void } | undefined;
      stream?.setNoDelay?.(true);
      this.logger.log(`connected to ${this.embedded ? `the in-process broker (devices: ${this.safeUrl})` : this.safeUrl}`);
    });
    this.client.on('error', (e) => this.logger.warn(`broker error: ${e.message}`));
  }

  get connected(): boolean {
    return !!this.client?.connected;
  }

  get safeUrl(): string {
    return this.config.mqtt.url.replace(/\/\/[^@/]*@/, '//');
  }

  get raw(): MqttClient {
    if (!this.client) throw new Error('MQTT connection not started');
    return this.client;
  }

  /** Topic names are rooted in MQTT_TOPIC_ROOT so that several deployments can share a broker. */
  topic(suffix: string): string {
    return `${this.config.mqtt.topicRoot}/${suffix}`;
  }

  publish(topic: string, payload: string | Buffer, opts: IClientPublishOptions = { qos: 1 }): Promise<void> {
    return new Promise((resolve, reject) => this.raw.publish(topic, payload, opts, (err) => (err ? reject(err) : resolve())));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync(true).catch(() => undefined);
  }
}
