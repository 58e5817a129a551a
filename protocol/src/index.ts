/** Shared device protocol (docs/protocol.md): topics, messages, signing, validation, ACL, state machine. */
export * from './constants';
export * from './canonical';
export * from './crypto';
export * from './messages';
export * from './reason-codes';
export * from './schema';
export * from './validate';
export * from './envelope';
export * from './grant';
export * from './connect-token';
export * from './topics';
export * from './acl';
export * from './state-machine';
export * from './timing';
export * from './telemetry';
export * from './identity-code';
export * from './examples';
