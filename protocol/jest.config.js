module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { swcrc: false, ...require('../jest.swc.js') }] },
  passWithNoTests: true,
};
