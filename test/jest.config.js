/**
 * Cross-component tests: the real server (in-process), PostgreSQL, broker, device agent and
 * firmware simulator over real ptys. One file at a time: each boots a platform and opens ptys.
 */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { swcrc: false, ...require('../jest.swc.js') }] };
module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/scenarios/**/*.spec.ts', '<rootDir>/security/**/*.spec.ts'],
  // .ts first: server/test-support may hold compiled .js copies next to the sources.
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  transform,
  moduleNameMapper: {
    '^@arcgate/protocol$': '<rootDir>/../protocol/src/index.ts',
    '^@arcgate/device-agent$': '<rootDir>/../device-agent/src/index.ts',
    '^@arcgate/firmware-sim$': '<rootDir>/../firmware-sim/src/index.ts',
  },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/../server/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/../server/test-support/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 120000,
};
