const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { swcrc: false, ...require('../jest.swc.js') }] };
const moduleNameMapper = { '^@arcgate/protocol$': '<rootDir>/../protocol/src/index.ts' };
module.exports = {
  maxWorkers: 2,
  // Integration hooks boot the app against a real database; a loaded machine needs more than 5 s.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
      moduleNameMapper,
      setupFiles: ['reflect-metadata'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
      transform,
      moduleNameMapper,
      globalSetup: '<rootDir>/test-support/global-setup.ts',
      globalTeardown: '<rootDir>/test-support/global-teardown.ts',
    },
  ],
};
