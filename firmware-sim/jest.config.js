module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { swcrc: false, ...require('../jest.swc.js') }] },
  passWithNoTests: true,
  // The end-to-end spec opens real ptys; keep specs from fighting over the 2 shared cores.
  maxWorkers: 2,
};
