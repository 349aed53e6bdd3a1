// Architecture rules (docs/architecture.md), checked by `npm run depcruise` in CI.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contracts-import-nothing-of-ours',
      comment:
        'The contracts are what every service shares; they depend on no other part of Gridline.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^(libs/(?!contracts/)|apps/|test/)' },
    },
    {
      name: 'keycloak-admin-imports-nothing-of-ours',
      comment:
        'The Keycloak admin client is used by plain scripts from dist/ and by tests: it stands alone (node built-ins and global fetch).',
      severity: 'error',
      from: { path: '^libs/keycloak-admin/', pathNot: '\\.spec\\.ts$' },
      to: { pathNot: '^libs/keycloak-admin/', dependencyTypesNot: ['core'] },
    },
    {
      name: 'telemetry-loads-before-everything',
      comment:
        'An app\'s main.ts starts tracing before it imports the service: the telemetry library must not load any other part of Gridline, nor a driver the instrumentations patch (docs/operations.md, "Tracing").',
      severity: 'error',
      from: { path: '^libs/telemetry/', pathNot: '\\.spec\\.ts$' },
      to: {
        path: '^(libs/(?!telemetry/)|apps/|test/|node_modules/(kafkajs|pg|pg-pool|mongodb)/)',
      },
    },
    {
      name: 'core-is-pure',
      comment:
        'The event-sourcing core imports only the contracts: no framework, driver or client (node built-ins are fine).',
      severity: 'error',
      from: { path: '^libs/eventsourcing/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: '^(libs/eventsourcing/|libs/contracts/)',
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'apps-never-import-apps',
      comment:
        'Services talk through contracts over Kafka or HTTP, never through each other’s code.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'console-uses-only-the-http-api',
      comment:
        'The web console (apps/console) is a browser app that talks to the gateway over HTTP: it imports none of the server code, the libraries or the tests.',
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^(libs/|test/|apps/(?!console/))' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'libraries-through-their-index',
      comment: 'Another library is used through its public index.ts only.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)', pathNot: '^libs/$1/' },
    },
    {
      name: 'apps-use-libraries-through-their-index',
      severity: 'error',
      from: { path: '^(apps|test)/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)' },
    },
    {
      name: 'production-code-never-imports-tests',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '(^test/|\\.spec\\.ts$)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
