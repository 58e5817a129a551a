/** An in-memory stand-in for an mqtt.js client: records what the link does, lets a test play the broker. */
import { EventEmitter } from 'node:events';
import type { MqttClientLike, MqttConnectOptions } from '../link';

export class FakeMqttClient extends EventEmitter implements MqttClientLike {
  readonly published: { topic: string; payload: string; retain: boolean }[] = [];
  readonly subscribed: string[] = [];
  readonly log: string[] = [];
  ended = false;
  refuseSubscription = false;

  constructor(
    readonly url: string,
    readonly options: MqttConnectOptions,
  ) {
    super();
  }

  subscribe(
    topic: string,
    _opts: { qos: 1 },
    cb: (err: Error | null, granted?: { topic: string; qos: number }[]) => void,
  ): this {
    this.subscribed.push(topic);
    this.log.push(`subscribe ${topic}`);
    void Promise.resolve().then(() => cb(null, [{ topic, qos: this.refuseSubscription ? 128 : 1 }]));
    return this;
  }

  publish(topic: string, payload: string, opts: { qos: 1; retain: boolean }, cb: (err?: Error) => void): this {
    this.published.push({ topic, payload, retain: opts.retain });
    this.log.push(`publish ${topic}`);
    void Promise.resolve().then(() => cb());
    return this;
  }

  end(_force: boolean, _opts: object, cb: () => void): this {
    this.ended = true;
    void Promise.resolve().then(() => {
      cb();
      this.emit('close');
    });
    return this;
  }

  /** Broker side: accept the connection. */
  acceptConnect(): void {
    this.emit('connect');
  }

  /** Broker side: deliver a message to the device. */
  deliver(topic: string, message: unknown): void {
    this.emit('message', topic, Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)));
  }

  drop(): void {
    this.emit('close');
  }

  messages(suffix: string): Record<string, unknown>[] {
    return this.published
      .filter((p) => p.topic.endsWith(suffix))
      .map((p) => JSON.parse(p.payload) as Record<string, unknown>);
  }
}
