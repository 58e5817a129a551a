import type { MessageType, TopicKind } from '@arcgate/protocol';

/** Topics of the protocol's TopicMap that devices publish and the server hears. */
export type InboundTopicKind = Exclude<TopicKind, `down/${string}`>;
/** Topics of the protocol's TopicMap the server publishes to one device. */
export type OutboundTopicKind = Extract<TopicKind, `down/${string}`>;

/** A device message as the broker delivered it: the topic parsed, the bytes not yet checked. */
export interface InboundDeviceMessage {
  topic: string;
  chip: string;
  kind: InboundTopicKind;
  type: MessageType;
  /** Bytes that claim to be a PayloadOf<kind>; only the gateway's checks (size, signature, schema, freshness) make them one. */
  payload: Buffer;
  /** The broker's retained copy, delivered on (re)subscribe: not something the chip says now. */
  retained: boolean;
}

export type InboundDeviceHandler = (message: InboundDeviceMessage) => Promise<void>;
