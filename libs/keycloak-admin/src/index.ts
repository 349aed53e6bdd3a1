// Keycloak as Gridline's identity provider: the realm file with overrides, a
// small admin REST client and the token endpoint (global fetch only). Compiled
// into dist/libs/keycloak-admin/src/index.js for the plain .mjs scripts.
export * from './admin.js';
export * from './realm.js';
export * from './tokens.js';
