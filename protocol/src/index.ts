/** Shared device protocol: topics, messages, signing. Filled by the device-protocol issue. */
export const PROTOCOL_VERSION = 1;
