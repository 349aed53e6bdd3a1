// Three tiers, chosen by file suffix: *.unit.spec.ts (no I/O), *.int.spec.ts (one
// real server each), *.e2e.spec.ts (the apps as separate processes). The project
// is ESM (NestJS 12 ships ESM only), so jest runs with --experimental-vm-modules.
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@gridline/testing$': '<rootDir>/test/support/index.ts',
    '^@gridline/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.spec.ts'] },
    {
      ...shared,
      displayName: 'int',
      testMatch: ['<rootDir>/**/*.int.spec.ts'],
    },
    {
      ...shared,
      displayName: 'fault',
      testMatch: ['<rootDir>/test/fault/**/*.fault.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.spec.ts'],
    },
    {
      ...shared,
      displayName: 'security',
      testMatch: ['<rootDir>/test/security/**/*.security.spec.ts'],
    },
    {
      // The web console in Debian's chromium (playwright-core), against the five apps.
      ...shared,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser.spec.ts'],
    },
  ],
  // A global option in jest 30 (ignored inside projects); the tiers with servers need it.
  testTimeout: 120_000,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
};
