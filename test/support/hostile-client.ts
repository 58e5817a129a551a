/**
 * A hostile device client, written from docs/protocol.md (§2.2 chip id, §3 CONNECT, §3.1 connect
 * token, §4 topics and ACL) with nothing but node:crypto and mqtt.js, so it tests the broker
 * against the spec, not against the library that implements it. It reports what the broker did
 * (connected / refused with a return code / dropped) instead of throwing, so a test can count.
 */
import { createHash, generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';

export interface HostileChip {
  chip: string;
  /** base64url of the raw 32-byte public key, as the platform binds it. */
  publicKey: string;
  privateKey: KeyObject;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** §2.2: "C" + first 20 characters of Crockford base32 (MSB first) of SHA-256(raw public key). */
export function chipIdOf(rawPublicKey: Buffer): string {
  const digest = createHash('sha256').update(rawPublicKey).digest();
  let bits = '';
  for (const byte of digest.subarray(0, 13)) bits += byte.toString(2).padStart(8, '0');
  let id = 'C';
  for (let i = 0; i < 20; i++) id += CROCKFORD[parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
  return id;
}

export function newHostileChip(): HostileChip {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw key is the last 32 bytes of the SPKI DER encoding of an Ed25519 key.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return { chip: chipIdOf(raw), publicKey: raw.toString('base64url'), privateKey };
}

/**
 * §3.1: claims = base64url(canonical JSON {"chip","nonce","ts"}) (keys sorted, no blanks),
 * sig = base64url(Ed25519 over the ASCII bytes of claims). `chip` may differ from the key's own.
 */
export function mintConnectToken(
  key: KeyObject,
  chip: string,
  at: Date = new Date(),
  nonce: string = randomBytes(16).toString('base64url'),
): string {
  const claims = Buffer.from(JSON.stringify({ chip, nonce, ts: at.toISOString() }), 'utf8').toString('base64url');
  return `${claims}.${sign(null, Buffer.from(claims, 'ascii'), key).toString('base64url')}`;
}

export type ConnectOutcome =
  | { kind: 'connected'; client: MqttClient }
  /** CONNACK with a non-zero 3.1.1 return code (2 identifier rejected, 4 bad credentials, 5 not authorized). */
  | { kind: 'refused'; returnCode: number | null; message: string }
  /** The broker closed the connection without a CONNACK. */
  | { kind: 'dropped'; message: string };

/** One CONNECT attempt with mqtt.js, never retried. */
export function tryConnect(url: string, opts: IClientOptions, timeoutMs = 5_000): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: timeoutMs, protocolVersion: 4, ...opts });
    let done = false;
    const finish = (o: ConnectOutcome) => {
      if (done) return;
      done = true;
      if (o.kind !== 'connected') client.end(true);
      resolve(o);
    };
    client.once('connect', () => finish({ kind: 'connected', client }));
    client.once('error', (e: Error & { code?: unknown }) =>
      finish({ kind: 'refused', returnCode: typeof e.code === 'number' ? e.code : null, message: e.message }),
    );
    client.once('close', () => finish({ kind: 'dropped', message: 'closed before CONNACK' }));
  });
}

/** A connect as the spec says a device does (§3): client id = username = chip id, a fresh token, the offline will. */
export function deviceOptions(chip: HostileChip, root: string, over: Partial<IClientOptions> = {}): IClientOptions {
  return {
    clientId: chip.chip,
    username: chip.chip,
    password: mintConnectToken(chip.privateKey, chip.chip),
    clean: true,
    keepalive: 30,
    will: {
      topic: `${root}/d/${chip.chip}/status`,
      payload: Buffer.from(
        JSON.stringify({ v: 1, type: 'status', chip: chip.chip, body: { online: false, reason: 'will' } }),
      ),
      qos: 1,
      retain: true,
    },
    ...over,
  };
}

/** SUBACK 0x80 is a refusal (§4 ACL); anything else a grant. */
export async function trySubscribe(client: MqttClient, filter: string): Promise<'granted' | 'refused'> {
  try {
    const granted = await client.subscribeAsync(filter, { qos: 1 });
    return granted.every((g) => g.qos !== 128) ? 'granted' : 'refused';
  } catch (e) {
    const packet = (e as { packet?: { granted?: number[] } }).packet;
    if (packet?.granted?.includes(128)) return 'refused';
    throw e;
  }
}

/**
 * A QoS 1 publish. The embedded broker answers a publish its ACL refuses by closing the connection:
 * 'dropped'. 'accepted' means PUBACK came and the session was still up a moment later.
 */
export function tryPublish(
  client: MqttClient,
  topic: string,
  payload: string | Buffer,
  retain = false,
  settleMs = 300,
): Promise<'accepted' | 'dropped'> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (o: 'accepted' | 'dropped') => {
      if (!done) {
        done = true;
        resolve(o);
      }
    };
    client.once('close', () => finish('dropped'));
    client.publish(topic, payload, { qos: 1, retain }, (err) => {
      if (err) return finish('dropped');
      setTimeout(() => finish(client.connected ? 'accepted' : 'dropped'), settleMs);
    });
  });
}

/**
 * Raw bytes on a TCP connection: a CONNECT fixed header announcing `announcedBytes`, then
 * `sendBytes` of filler. Resolves with how long the broker took to close the connection (null if it
 * was still open after `waitMs`).
 */
export function oversizedConnect(
  url: string,
  announcedBytes: number,
  sendBytes: number,
  waitMs = 3_000,
): Promise<number | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const sock = tcpConnect(Number(port), hostname);
    const started = Date.now();
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(null);
    }, waitMs);
    sock.on('error', () => undefined);
    sock.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    sock.once('connect', () => {
      const header = [0x10];
      let n = announcedBytes;
      do {
        let b = n % 128;
        n = Math.floor(n / 128);
        if (n > 0) b |= 0x80;
        header.push(b);
      } while (n > 0);
      sock.write(Buffer.from(header));
      sock.write(Buffer.alloc(sendBytes, 0x41));
    });
  });
}
