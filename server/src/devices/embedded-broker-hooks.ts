import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type Aedes from 'aedes';
import type { Client } from 'aedes';
import { EMBEDDED_BROKER } from '../mqtt/mqtt.module';
import { BrokerAuth, BrokerIdentity } from './broker-auth';
import { ChipsService } from './chips.service';

type AuthError = Error & { returnCode: number };

/**
 * Authentication and ACL of the in-process aedes broker. The identity established at CONNECT is
 * kept per client, so the ACL never trusts anything a client says later.
 */
@Injectable()
export class EmbeddedBrokerHooks {
  private readonly logger = new Logger('EmbeddedBroker');
  private readonly identities = new WeakMap<Client, BrokerIdentity>();
  private readonly wills = new WeakMap<Client, { topic: string; payload: string }>();
  /** The client id as sent: aedes replaces an empty one with a generated id before authenticate runs. */
  private readonly sentClientIds = new WeakMap<Client, string>();

  constructor(
    private readonly auth: BrokerAuth,
    @Optional() @Inject(EMBEDDED_BROKER) private readonly broker: Aedes | null,
    chips: ChipsService,
  ) {
    // An unbound chip's session ends at once: its identity was established at CONNECT and would
    // otherwise keep publishing (refused by the gateway, but still connected) until it reconnects.
    chips.onUnbound((chipId) => this.dropChip(chipId));
    // Installed at construction, before any onModuleInit, so the server's own connection (opened in
    // MqttConnection.onModuleInit) already goes through these hooks.
    if (this.broker) this.install(this.broker);
  }

  /** Closes the session of a device client that authenticated as this chip, if there is one here. */
  dropChip(chipId: string): void {
    const clients = (this.broker as unknown as { clients?: Record<string, Client> } | null)?.clients ?? {};
    const client = clients[chipId];
    const identity = client ? this.identities.get(client) : undefined;
    if (!client || identity?.kind !== 'device' || identity.chipId !== chipId) return;
    this.logger.log(`chip ${chipId} unbound: its session is closed`);
    client.close();
  }

  install(broker: Aedes): void {
    // The broker listens before the application is up; whoever got in unchecked meanwhile is dropped.
    for (const client of Object.values((broker as unknown as { clients: Record<string, Client> }).clients ?? {}))
      client.close();
    const previousPreConnect = broker.preConnect.bind(broker);
    broker.preConnect = (client, packet, done) => {
      if (packet.will)
        this.wills.set(client, {
          topic: packet.will.topic,
          payload: Buffer.from(packet.will.payload ?? '').toString('utf8'),
        });
      this.sentClientIds.set(client, packet.clientId ?? '');
      previousPreConnect(client, packet, done);
    };

    // aedes registers the client (closing any session holding its id) only after this says yes, so a
    // refused client id never disconnects the device that holds it.
    broker.authenticate = (client, username, password, done) => {
      const remote = client.conn as { remoteAddress?: string };
      this.auth
        .authenticate({
          clientId: this.sentClientIds.get(client) ?? client.id,
          username,
          password,
          remoteAddress: remote?.remoteAddress,
          will: this.wills.get(client),
          via: 'embedded',
        })
        .then((r) => {
          if (r.ok) {
            this.identities.set(client, r.identity);
            return done(null, true);
          }
          const err = new Error(`connection refused: ${r.reason}`) as AuthError;
          err.returnCode = r.returnCode;
          done(err, false);
        })
        .catch((e: Error) => {
          // Fail closed: a database outage refuses devices ("server unavailable"), it never lets them in unchecked.
          this.logger.error(`authenticate failed: ${e.message}`);
          const err = new Error('server unavailable') as AuthError;
          err.returnCode = 3;
          done(err, false);
        });
    };

    broker.authorizePublish = (client, packet, done) => {
      // No client: aedes publishing the stored will of a session whose broker stopped heart-beating.
      // Judged by the will's own client id (= its chip id), never allowed by default.
      if (!client) return this.orphanWillAllowed(packet) ? done(null) : done(new Error('will not authorized'));
      const identity = this.identities.get(client);
      if (identity && this.auth.authorize(identity, 'publish', packet.topic, !!packet.retain)) return done(null);
      this.logger.warn(`publish refused: ${client.id} → ${packet.topic}`);
      done(new Error('publish not authorized'));
    };

    broker.authorizeSubscribe = (client, sub, done) => {
      const identity = this.identities.get(client);
      if (identity && this.auth.authorize(identity, 'subscribe', sub.topic)) return done(null, sub);
      this.logger.warn(`subscribe refused: ${client.id} → ${sub.topic}`);
      done(null, null);
    };
  }

  private orphanWillAllowed(packet: { topic: string; clientId?: unknown }): boolean {
    const identity =
      typeof packet.clientId === 'string' ? this.auth.identityForUsername(packet.clientId, packet.clientId) : null;
    return !!identity && identity.kind === 'device' && this.auth.authorize(identity, 'publish', packet.topic, true);
  }
}
