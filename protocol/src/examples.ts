import { KeyObject } from 'node:crypto';
import { chipIdFromPublicKey, privateKeyFromSeed, publicKeyToBase64Url } from './crypto';
import { createEnvelope, signEnvelope } from './envelope';
import {
  ArmDeniedMessage,
  ArmGrantMessage,
  ArmRequestMessage,
  CertDeniedMessage,
  CertIssuedMessage,
  CertRenewMessage,
  ConfigMessage,
  Envelope,
  EventBatchMessage,
  EventsAckMessage,
  GrantPushMessage,
  GrantRevokeMessage,
  MessageType,
  OfflineStatusMessage,
  OnlineStatusMessage,
} from './messages';
import { ReasonCode, reasonMessage } from './reason-codes';

/**
 * The published test vector and one example of every message, all deterministic (Ed25519 signatures
 * are), so docs/protocol.md can print them and a test can prove the printed ones still verify.
 * The seeds are RFC 8032 section 7.1 TEST 1 (device) and TEST 2 (server): never use them in production.
 */
export const TEST_VECTOR = {
  deviceSeedHex: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  serverSeedHex: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
} as const;

export interface ExampleKeys {
  device: KeyObject;
  server: KeyObject;
  devicePublicKey: string;
  serverPublicKey: string;
  chip: string;
}

export function exampleKeys(): ExampleKeys {
  const device = privateKeyFromSeed(TEST_VECTOR.deviceSeedHex);
  const server = privateKeyFromSeed(TEST_VECTOR.serverSeedHex);
  return {
    device,
    server,
    devicePublicKey: publicKeyToBase64Url(device),
    serverPublicKey: publicKeyToBase64Url(server),
    chip: chipIdFromPublicKey(device),
  };
}

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);
const iso = (offsetMs: number): string => at(offsetMs).toISOString();

export const EXAMPLE_IDS = {
  armRequest: 'r7Qm2xKpV9sLwE3nTbY8aA',
  phoneArmRequest: 'p4Hd8sLq2ZxN6vRc1TgW0B',
  eventBatch: 'e2Jk5nWq8RtY3uPz6XcV1M',
  grant: '8b2c6a1e-0f4d-4e7a-9c3b-5d6e7f8a9b0c',
  machine: '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  welder: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  permit: '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  phoneSession: 'd1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a',
  welderCode: 'W3F7K9M2QX4TB8N6RZ5HC1',
} as const;
export const EXAMPLE_NONCE = 'q1W8eR4tY7uI0oP3aS6dFg';

export interface Examples {
  statusOnline: OnlineStatusMessage;
  statusOffline: OfflineStatusMessage;
  armRequest: ArmRequestMessage;
  armRequestPhone: ArmRequestMessage;
  armGrant: ArmGrantMessage;
  armDenied: ArmDeniedMessage;
  grantRevoke: GrantRevokeMessage;
  grantPush: GrantPushMessage;
  events: EventBatchMessage;
  eventsAck: EventsAckMessage;
  config: ConfigMessage;
  certRenew: CertRenewMessage;
  certIssued: CertIssuedMessage;
  certDenied: CertDeniedMessage;
}

/** The serial of the example device's certificate in force, and the one its renewal gets (§3.4). */
export const EXAMPLE_CERT = {
  currentSerial: '4b0e9f7c3a1d5e6f8a2b4c6d8e0f1a2b',
  renewedSerial: '5c1f0e9d8b7a69584736251403f2e1d0',
  renewRequest: 'c3Rt6yUi9oPa2sDf5gHj8k',
  /**
   * A real certificate for the §2.4 device key (CN = its chip id), issued by a throw-away example CA:
   * what cert.issued carries. Never trust this CA.
   */
  renewedPem: [
    '-----BEGIN CERTIFICATE-----',
    'MIIBbDCCAR6gAwIBAgIQXB8OnYt6aVhHNiUUA/Lh0DAFBgMrZXAwODEkMCIGA1UE',
    'AxMbQXJjR2F0ZSBkZXZpY2UgQ0EgKGV4YW1wbGUpMRAwDgYDVQQKEwdBcmNHYXRl',
    'MB4XDTI2MDMwMjA3NTUwMFoXDTI4MDMwMTA4MDAwMFowIDEeMBwGA1UEAxMVQzQ3',
    'WjMzUVgxQUpINjJSS0JaMUEwMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7h',
    'cvPapiMlrwIaaPcHURqjVjBUMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeA',
    'MBMGA1UdJQQMMAoGCCsGAQUFBwMCMB8GA1UdIwQYMBaAFC8rXXkZLaybVu8+qrHn',
    'eIdEmczJMAUGAytlcANBAMQuIH0WpKAFER+vC64RgnIh6rigNNBHf885nXJNYXmW',
    '/mKEbMDh8BXjVjZBb75Qt8yDKYhvEdkghna/YDnPngo=',
    '-----END CERTIFICATE-----',
    '',
  ].join('\n'),
} as const;

function signed<T extends MessageType, B>(
  key: KeyObject,
  type: T,
  fields: { chip: string; body: B; seq?: number; id: string },
  now: Date,
): Envelope<T, B> {
  return signEnvelope<Envelope<T, B>>(key, createEnvelope(type, fields, now));
}

export function buildExamples(keys: ExampleKeys = exampleKeys()): Examples {
  const { device, server, chip } = keys;
  const position = { lat: 34.2375, lng: 116.1342, accuracyM: 4.5, fixAt: iso(-2_000) };
  const id = (n: number) => `s${String(n).padStart(3, '0')}Xk4Lm9Np2Qr5St8Vw`;
  const armRequest = signed(
    device,
    'arm.request',
    {
      chip,
      seq: 41,
      id: EXAMPLE_IDS.armRequest,
      body: {
        nonce: EXAMPLE_NONCE,
        credential: { kind: 'welder_code', code: EXAMPLE_IDS.welderCode },
        permitId: EXAMPLE_IDS.permit,
        position,
        machineKind: 'electric_arc',
      },
    },
    at(0),
  ) as ArmRequestMessage;
  const arcStart = iso(60_000);
  const arcEnd = iso(60_000 + 95_400);
  return {
    statusOnline: signed(
      device,
      'status',
      {
        chip,
        seq: 40,
        id: 'o9Lk2Jh5Gf8Ds1Az4Xc7Vb',
        body: {
          online: true as const,
          state: 'locked' as const,
          machineKind: 'electric_arc' as const,
          firmware: 'arcgate-agent 1.0.0',
          protocol: 1 as const,
        },
      },
      at(-60_000),
    ) as OnlineStatusMessage,
    statusOffline: { v: 1, type: 'status', chip, body: { online: false, reason: 'will' } },
    armRequest,
    armRequestPhone: signed(
      device,
      'arm.request',
      {
        chip,
        seq: 52,
        id: EXAMPLE_IDS.phoneArmRequest,
        body: {
          nonce: 'Zx9Cv8Bn7Mm6Ll5Kk4Jj3A',
          credential: { kind: 'phone_session', sessionId: EXAMPLE_IDS.phoneSession },
          position,
          machineKind: 'electric_arc',
        },
      },
      at(3_600_000),
    ) as ArmRequestMessage,
    armGrant: signed(
      server,
      'arm.grant',
      {
        chip,
        id: id(1),
        body: {
          grantId: EXAMPLE_IDS.grant,
          requestId: EXAMPLE_IDS.armRequest,
          chip,
          machineId: EXAMPLE_IDS.machine,
          welderId: EXAMPLE_IDS.welder,
          permitId: EXAMPLE_IDS.permit,
          nonce: EXAMPLE_NONCE,
          issuedAt: iso(400),
          notBefore: iso(400),
          expiresAt: iso(4 * 3_600_000),
          welderName: '张*',
          maxCurrentA: 315,
          gasLimitPercentLel: 10,
        },
      },
      at(400),
    ),
    armDenied: signed(
      server,
      'arm.denied',
      {
        chip,
        id: id(2),
        body: {
          requestId: EXAMPLE_IDS.armRequest,
          reason: ReasonCode.CERTIFICATE_REVIEW_OVERDUE,
          message: reasonMessage(ReasonCode.CERTIFICATE_REVIEW_OVERDUE),
        },
      },
      at(400),
    ),
    grantRevoke: signed(
      server,
      'grant.revoke',
      {
        chip,
        id: id(3),
        body: {
          grantId: EXAMPLE_IDS.grant,
          reason: ReasonCode.PERMIT_CANCELLED,
          message: reasonMessage(ReasonCode.PERMIT_CANCELLED),
        },
      },
      at(2 * 3_600_000),
    ),
    grantPush: signed(
      server,
      'grant.push',
      {
        chip,
        id: id(4),
        body: {
          sessionId: EXAMPLE_IDS.phoneSession,
          welderId: EXAMPLE_IDS.welder,
          welderName: '张*',
          permitId: EXAMPLE_IDS.permit,
          expiresAt: iso(3_600_000 + 600_000),
        },
      },
      at(3_599_000),
    ),
    events: signed(
      device,
      'events',
      {
        chip,
        seq: 43,
        id: EXAMPLE_IDS.eventBatch,
        body: {
          events: [
            { seq: 118, type: 'boot', at: iso(-120_000), reason: 'power_on', firmware: 'arcgate-agent 1.0.0' },
            {
              seq: 119,
              type: 'state.change',
              at: iso(500),
              from: 'authorizing',
              to: 'armed',
              trigger: 'grant_verified',
            },
            {
              seq: 120,
              type: 'relay.change',
              at: iso(500),
              closed: true,
              trigger: 'grant_verified',
              grantId: EXAMPLE_IDS.grant,
            },
            { seq: 121, type: 'arc.start', at: arcStart, grantId: EXAMPLE_IDS.grant },
            {
              seq: 122,
              type: 'arc.stop',
              at: arcEnd,
              grantId: EXAMPLE_IDS.grant,
              startedAt: arcStart,
              endedAt: arcEnd,
              durationMs: 95_400,
              current: { min: 118.2, max: 176.5, mean: 151.3, p95: 169.8 },
              voltage: { min: 21.4, max: 27.9, mean: 24.6, p95: 26.8 },
              samples: 954,
              sampleRateHz: 10,
            },
            { seq: 123, type: 'heartbeat', at: iso(180_000), position, relayClosed: true, state: 'armed' },
            { seq: 124, type: 'gas.reading', at: iso(181_000), percentLel: 2.5, limitPercentLel: 10 },
            { seq: 125, type: 'tamper', at: iso(182_000), switch: 'enclosure', open: false },
            { seq: 126, type: 'arc.unauthorized', at: iso(183_000), currentA: 42.7, relayClosed: false },
            { seq: 127, type: 'power.cut', at: iso(184_000), reason: 'gas_over_limit', grantId: EXAMPLE_IDS.grant },
            {
              seq: 128,
              type: 'security.rejected',
              at: iso(185_000),
              messageType: 'arm.grant',
              messageId: 'f0rGed1d0000000000000A',
              reason: 'bad_signature',
            },
            { seq: 129, type: 'journal.lost', at: iso(186_000), fromSeq: 60, toSeq: 64 },
            {
              seq: 130,
              type: 'power.cut',
              at: iso(187_000),
              reason: 'over_current',
              grantId: EXAMPLE_IDS.grant,
              currentA: 362.4,
              limitA: 315,
            },
            { seq: 131, type: 'relay.fault', at: iso(188_000), commanded: false, feedback: true },
            { seq: 132, type: 'board.link', at: iso(188_600), up: false, cause: 'reports_silent' },
            {
              seq: 133,
              type: 'power.cut',
              at: iso(188_600),
              reason: 'board_lost',
              grantId: EXAMPLE_IDS.grant,
              by: 'hardware_watchdog',
            },
            {
              seq: 134,
              type: 'arc.stop',
              at: iso(188_600),
              grantId: EXAMPLE_IDS.grant,
              startedAt: iso(186_500),
              endedAt: iso(188_600),
              durationMs: 2_100,
              current: { min: 140.1, max: 152.8, mean: 147.2, p95: 151.9 },
              voltage: { min: 23.9, max: 25.2, mean: 24.5, p95: 25.1 },
              samples: 11,
              sampleRateHz: 10,
              interrupted: 'board_lost',
            },
            { seq: 135, type: 'board.link', at: iso(189_500), up: true },
          ],
        },
      },
      at(190_000),
    ) as EventBatchMessage,
    eventsAck: signed(
      server,
      'events.ack',
      { chip, id: id(5), body: { requestId: EXAMPLE_IDS.eventBatch, upToSeq: 135 } },
      at(190_300),
    ),
    config: signed(
      server,
      'config',
      {
        chip,
        id: id(6),
        body: { heartbeatIntervalS: 30, gasLimitPercentLel: 10, arcCurrentThresholdA: 5, sampleRateHz: 10 },
      },
      at(-59_000),
    ),
    certRenew: signed(
      device,
      'cert.renew',
      {
        chip,
        seq: 60,
        id: EXAMPLE_CERT.renewRequest,
        body: { serial: EXAMPLE_CERT.currentSerial, publicKey: keys.devicePublicKey },
      },
      at(5_400_000),
    ) as CertRenewMessage,
    certIssued: signed(
      server,
      'cert.issued',
      {
        chip,
        id: id(7),
        body: {
          requestId: EXAMPLE_CERT.renewRequest,
          serial: EXAMPLE_CERT.renewedSerial,
          supersedes: EXAMPLE_CERT.currentSerial,
          notBefore: iso(-300_000),
          notAfter: '2028-03-01T08:00:00.000Z',
          certificatePem: EXAMPLE_CERT.renewedPem,
        },
      },
      at(5_400_300),
    ),
    certDenied: signed(
      server,
      'cert.denied',
      {
        chip,
        id: id(8),
        body: {
          requestId: EXAMPLE_CERT.renewRequest,
          reason: ReasonCode.RATE_LIMITED,
          message: reasonMessage(ReasonCode.RATE_LIMITED),
          retryAfterS: 3_600,
        },
      },
      at(5_400_300),
    ),
  };
}
