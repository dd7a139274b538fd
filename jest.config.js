/**
 * Two projects: `unit` (beside the code, pure and fast) and `integration`
 * (under tests/, against the real local stack started by deploy/local/stack).
 * Workspace packages are mapped to their sources so tests never need a build first.
 */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@bgs/([a-z-]+)$': '<rootDir>/packages/$1/src',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/services/*/src/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      testTimeout: 120000,
    },
  ],
};
