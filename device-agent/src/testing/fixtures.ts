/** Keys and signed server messages for tests (a throw-away server key, like the platform's). */
import { KeyObject } from 'node:crypto';
import {
  ArmDeniedMessage,
  ArmGrantMessage,
  chipIdFromPublicKey,
  ConfigBody,
  ConfigMessage,
  createEnvelope,
  Envelope,
  EventsAckMessage,
  generateChipKeyPair,
  GrantPushMessage,
  GrantRevokeMessage,
  MessageType,
  newMessageId,
  publicKeyToBase64Url,
  ReasonCode,
  reasonMessage,
  signEnvelope,
} from '@arcgate/protocol';

export interface TestKeys {
  device: KeyObject;
  server: KeyObject;
  chip: string;
  serverPublicKey: string;
}

export function testKeys(): TestKeys {
  const device = generateChipKeyPair();
  const server = generateChipKeyPair();
  return {
    device: device.privateKey,
    server: server.privateKey,
    chip: device.chip,
    serverPublicKey: publicKeyToBase64Url(server.privateKey),
  };
}

export function serverMessage<T extends MessageType, B>(
  key: KeyObject,
  chip: string,
  type: T,
  body: B,
  now: number,
  id = newMessageId(),
): Envelope<T, B> {
  return signEnvelope<Envelope<T, B>>(key, createEnvelope(type, { chip, body, id }, new Date(now)));
}

export interface GrantSpec {
  requestId: string;
  nonce: string;
  now: number;
  lifetimeMs?: number;
  grantId?: string;
  gasLimitPercentLel?: number;
  maxCurrentA?: number;
  chip?: string;
  key?: KeyObject;
  issuedAt?: number;
}

export function grantFor(keys: TestKeys, spec: GrantSpec): ArmGrantMessage {
  const chip = spec.chip ?? keys.chip;
  const issued = spec.issuedAt ?? spec.now;
  const iso = (ms: number) => new Date(ms).toISOString();
  return serverMessage(
    spec.key ?? keys.server,
    chip,
    'arm.grant',
    {
      grantId: spec.grantId ?? 'grant-1',
      requestId: spec.requestId,
      chip,
      machineId: 'machine-1',
      welderId: 'welder-1',
      permitId: 'permit-1',
      nonce: spec.nonce,
      issuedAt: iso(issued),
      notBefore: iso(issued),
      expiresAt: iso(issued + (spec.lifetimeMs ?? 3_600_000)),
      welderName: '张*',
      ...(spec.gasLimitPercentLel !== undefined ? { gasLimitPercentLel: spec.gasLimitPercentLel } : {}),
      ...(spec.maxCurrentA !== undefined ? { maxCurrentA: spec.maxCurrentA } : {}),
    },
    spec.now,
  );
}

export function revokeFor(
  keys: TestKeys,
  now: number,
  grantId?: string,
  reason = ReasonCode.PERMIT_CANCELLED,
): GrantRevokeMessage {
  return serverMessage(
    keys.server,
    keys.chip,
    'grant.revoke',
    { ...(grantId ? { grantId } : {}), reason, message: reasonMessage(reason) },
    now,
  );
}

export function deniedFor(
  keys: TestKeys,
  now: number,
  requestId: string,
  reason = ReasonCode.CERTIFICATE_EXPIRED,
): ArmDeniedMessage {
  return serverMessage(
    keys.server,
    keys.chip,
    'arm.denied',
    { requestId, reason, message: reasonMessage(reason) },
    now,
  );
}

export function pushFor(keys: TestKeys, now: number, ttlMs = 600_000): GrantPushMessage {
  return serverMessage(
    keys.server,
    keys.chip,
    'grant.push',
    {
      sessionId: 'session-1',
      welderId: 'welder-1',
      welderName: '李*',
      permitId: 'permit-9',
      expiresAt: new Date(now + ttlMs).toISOString(),
    },
    now,
  );
}

export function ackFor(
  keys: TestKeys,
  now: number,
  requestId: string,
  upToSeq: number,
  missing?: number[],
  rejected?: number[],
): EventsAckMessage {
  return serverMessage(
    keys.server,
    keys.chip,
    'events.ack',
    { requestId, upToSeq, ...(missing ? { missing } : {}), ...(rejected ? { rejected } : {}) },
    now,
  );
}

export function configFor(keys: TestKeys, now: number, body: ConfigBody): ConfigMessage {
  return serverMessage(keys.server, keys.chip, 'config', body, now);
}

export const chipOf = (key: KeyObject): string => chipIdFromPublicKey(key);
