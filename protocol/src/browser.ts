/*
 * The part of the protocol a browser may load (web-admin imports `@arcgate/protocol/browser`): pure
 * shapes and parsers, nothing from Node. browser.spec.ts fails when anything reachable from here
 * imports a Node built-in or a package.
 */
export * from './identifiers';
export * from './identity-code';
export * from './chip-label-shape';
