const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { swcrc: false, ...require('../jest.swc.js') }] };
const moduleNameMapper = { '^@arcgate/protocol$': '<rootDir>/../protocol/src/index.ts' };
module.exports = {
  maxWorkers: 2,
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
      testTimeout: 60000,
    },
  ],
};
