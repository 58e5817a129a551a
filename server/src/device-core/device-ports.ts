/**
 * Device ports (device-core/), implemented or used elsewhere. ARM_REQUEST_HANDLER: the device gateway
 * verifies a device message (signature by the bound chip key, topic chip, freshness) before handing
 * an arm request over; the handler (authorization/arm-request-answerer.ts) decides and publishes its
 * answer itself through DEVICE_OUTBOX, which device-core/ provides (signed server→device messages).
 */
import type { ArmRequestBody, DownMessageType, Envelope, MessageType } from '@arcgate/protocol';

export interface VerifiedDeviceMessage<TBody> {
  chipId: string;
  machineId: string;
  /** The verified, signed envelope exactly as the device sent it (device messages always carry `seq`). */
  envelope: Envelope<MessageType, TBody> & { seq: number };
  receivedAt: Date;
}

export interface ArmRequestHandler {
  /** The handler publishes the reply (arm.grant / arm.denied) itself via DeviceOutbox. */
  handleArmRequest(msg: VerifiedDeviceMessage<ArmRequestBody>): Promise<void>;
}
export const ARM_REQUEST_HANDLER = Symbol('ARM_REQUEST_HANDLER');

export interface DeviceOutbox {
  /** Signs with the server key and publishes to the device's down topic with the protocol's QoS. */
  send<T>(chipId: string, type: DownMessageType, body: T): Promise<void>;
}
export const DEVICE_OUTBOX = Symbol('DEVICE_OUTBOX');
