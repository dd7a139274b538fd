/**
 * Two projects: `unit` (beside the code, pure and fast) and `integration`
 * (under tests/, against the real local stack started by deploy/local/stack).
 * Workspace packages are mapped to their sources so tests never need a build first.
 */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@bgs/demo$': '<rootDir>/tools/demo/src',
    '^@bgs/([a-z-]+)$': '<rootDir>/packages/$1/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/.stack/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: [
        '<rootDir>/packages',
        '<rootDir>/services',
        '<rootDir>/tools',
        '<rootDir>/bench',
        '<rootDir>/tests/helpers',
      ],
      testMatch: [
        '<rootDir>/packages/*/src/**/*.test.ts',
        '<rootDir>/services/*/src/**/*.test.ts',
        '<rootDir>/tools/*/src/**/*.test.ts',
        '<rootDir>/bench/src/**/*.test.ts',
        '<rootDir>/bench/baseline/**/*.test.ts',
        // The integration helpers' pure parts (no stack needed).
        '<rootDir>/tests/helpers/**/*.test.ts',
      ],
    },
    {
      ...shared,
      displayName: 'integration',
      // Only tests/: the stack's data under .stack/ holds files Jest would take for snapshots.
      roots: ['<rootDir>/tests'],
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      // The helpers' own tests are unit tests (above); tests/cluster/ is the project below.
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/tests/helpers/',
        '<rootDir>/tests/cluster/',
      ],
      // BGS_TEST_STACK=containers: the compose stack via testcontainers; otherwise nothing
      // (the native stack, started by `./bgs test`). See tests/helpers/test-stack.ts.
      globalSetup: '<rootDir>/tests/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/tests/helpers/global-teardown.ts',
      // Per-project testTimeout is not a Jest 29 option; the setup file sets it.
      setupFilesAfterEnv: ['<rootDir>/tests/helpers/jest-setup.ts'],
    },
    {
      ...shared,
      // `./bgs test-cluster`: tests that start a Kafka cluster of their own (cluster-stack.ts)
      // beside the main stack and take brokers away. Not part of `./bgs test`.
      displayName: 'cluster',
      roots: ['<rootDir>/tests/cluster'],
      testMatch: ['<rootDir>/tests/cluster/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/tests/helpers/jest-setup.ts'],
    },
  ],
};
