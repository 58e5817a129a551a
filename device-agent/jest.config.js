module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { swcrc: false, ...require('../jest.swc.js') }] },
  moduleNameMapper: { '^@arcgate/protocol$': '<rootDir>/../protocol/src/index.ts' },
  // The component spec opens real ptys and a broker; keep specs from fighting over the 2 shared cores.
  maxWorkers: 2,
  testTimeout: 20000,
  passWithNoTests: true,
};
