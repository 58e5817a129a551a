import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { parseTopic, PayloadOf, serverStatusFilter, serverUpFilter, TOPIC_SPECS, topicFor } from '@arcgate/protocol';
import type Aedes from 'aedes';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mqtt, { IClientOptions, IClientPublishOptions, IPublishPacket, MqttClient } from 'mqtt';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { InboundDeviceHandler, InboundTopicKind, OutboundTopicKind } from './device-traffic';
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
 * The server's single MQTT connection, and the only code that touches the MQTT client: modules hear
 * devices through subscribeToDevices and talk to one through publishToDevice, both named by the
 * protocol's topic map. Starting it does not wait for the broker, so the HTTP API stays up (and
 * /api/health reports the broker down) while the broker is unreachable.
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

  /** TLS client identity for a broker that requires certificates (issue 17 §1); none otherwise. */
  private tlsOptions(): Partial<IClientOptions> {
    const tls = this.config.mqtt.tls;
    if (!tls) return {};
    return {
      ca: readFileSync(tls.caFile),
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      rejectUnauthorized: true,
    };
  }

  /**
   * Ends a device's live session on a broker that identifies devices by certificate (mutual TLS):
   * such a broker checks the CRL only when a connection is set up, so a chip unbound while connected
   * would stay connected. The server's listener does not force client ids, so a short connection under
   * the chip's id takes the session over (MQTT-3.1.4-2), and is closed at once, without a will. The
   * device's reconnect then meets the new CRL. Nothing happens on other brokers (false).
   */
  async evictDeviceSession(chipId: string): Promise<boolean> {
    if (!this.config.mqtt.tls || this.config.mqtt.embedded) return false;
    const client = await mqtt.connectAsync(this.config.mqtt.url, {
      clientId: chipId,
      username: SERVER_MQTT_USERNAME,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...this.tlsOptions(),
    });
    await client.endAsync();
    return true;
  }

  onModuleInit(): void {
    const options: IClientOptions = {
      clientId: `arcgate-server-${randomBytes(4).toString('hex')}`,
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(this.config),
      reconnectPeriod: 2000,
      connectTimeout: 5000,
      clean: true,
      // A broker that requires client certificates (issue 17 §1): the server's own identity (CN arcgate-server).
      ...this.tlsOptions(),
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
      this.logger.log(
        `connected to ${this.embedded ? `the in-process broker (devices: ${this.safeUrl})` : this.safeUrl}`,
      );
    });
    this.client.on('error', (e) => this.logger.warn(`broker error: ${e.message}`));
  }

  get connected(): boolean {
    return !!this.client?.connected;
  }

  get safeUrl(): string {
    return this.config.mqtt.url.replace(/\/\/[^@/]*@/, '//');
  }

  /** The client itself: for this connection's own spec only; modules use the typed methods. */
  get raw(): MqttClient {
    if (!this.client) throw new Error('MQTT connection not started');
    return this.client;
  }

  /**
   * Subscribes to every device's up topics (one `$share` group across replicas where the broker has
   * it; the embedded one has not) and status topics (never shared: every replica needs presence),
   * QoS 1, again on every (re)connect since the session is clean. Each message is handed over with
   * its topic parsed, in arrival order; a handler failure is logged here. Resolves once the broker
   * first granted the subscription; a refusal is logged and retried at the next connect.
   */
  subscribeToDevices(handler: InboundDeviceHandler): Promise<void> {
    const client = this.raw;
    const root = this.config.mqtt.topicRoot;
    const filters = [serverUpFilter(root, { shared: !this.config.mqtt.embedded }), serverStatusFilter(root)];
    return new Promise((subscribed) => {
      const subscribe = () =>
        client.subscribe(filters, { qos: 1 }, (err, granted) => {
          if (err || granted?.some((g) => g.qos === 128))
            return this.logger.error(`device subscription failed: ${err?.message ?? 'refused by the broker'}`);
          subscribed();
        });
      client.on('connect', subscribe);
      if (client.connected) subscribe();
      client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
        const parsed = parseTopic(root, topic);
        if (!parsed.ok || parsed.direction === 'down') return;
        const message = {
          topic,
          chip: parsed.chip,
          kind: parsed.kind as InboundTopicKind,
          type: parsed.type,
          payload,
          retained: !!packet.retain,
        };
        handler(message).catch((e: Error) => this.logger.error(`device message on ${topic} failed: ${e.message}`));
      });
    });
  }

  /** Publishes to one chip's topic of that kind, with the protocol's QoS and retain flag for it. */
  publishToDevice<K extends OutboundTopicKind>(chip: string, kind: K, message: PayloadOf<K>): Promise<void> {
    const spec = TOPIC_SPECS[kind];
    return this.publish(topicFor(this.config.mqtt.topicRoot, chip, kind), JSON.stringify(message), {
      qos: spec.qos,
      retain: spec.retain,
    });
  }

  /** Any topic: for this connection's own spec; modules use publishToDevice. */
  publish(topic: string, payload: string | Buffer, opts: IClientPublishOptions = { qos: 1 }): Promise<void> {
    return new Promise((resolve, reject) =>
      this.raw.publish(topic, payload, opts, (err) => (err ? reject(err) : resolve())),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync(true).catch(() => undefined);
  }
}
