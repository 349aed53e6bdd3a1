import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AGENCIES, INBOUND_COMMAND_CONTRACTS } from '@gridline/contracts';
import { GRIDLINE_ROLES } from '@gridline/keycloak-admin';
import { ROLES } from '@gridline/platform';
import { ROOT } from './settings.js';

interface Realm {
  roles: { realm: { name: string }[] };
  clientScopes: { name: string }[];
  clients: {
    clientId: string;
    publicClient?: boolean;
    serviceAccountsEnabled?: boolean;
    defaultClientScopes?: string[];
    optionalClientScopes?: string[];
  }[];
  users?: {
    username: string;
    serviceAccountClientId?: string;
    attributes?: { agency?: string[] };
    realmRoles?: string[];
  }[];
}

/** The realm kept in the repo agrees with what the services check. */
describe('deploy/keycloak/gridline-realm.json', () => {
  const realm = JSON.parse(
    readFileSync(path.join(ROOT, 'deploy', 'keycloak', 'gridline-realm.json'), 'utf8'),
  ) as Realm;
  const commandScopes = realm.clientScopes
    .map((s) => s.name)
    .filter((name) => /^gridline\.[a-z]+\.[a-z-]+\.v\d+$/.test(name));

  it('has exactly the roles the platform knows', () => {
    expect(realm.roles.realm.map((r) => r.name).sort()).toEqual([...ROLES].sort());
    expect([...GRIDLINE_ROLES].sort()).toEqual([...ROLES].sort());
  });

  it('has a scope for every inbound command, granted to its own agency’s system only', () => {
    for (const contract of Object.values(INBOUND_COMMAND_CONTRACTS))
      expect(commandScopes).toContain(contract.type);
    for (const scope of commandScopes) {
      const agency = scope.split('.')[1];
      const holders = realm.clients
        .filter((c) =>
          [...(c.defaultClientScopes ?? []), ...(c.optionalClientScopes ?? [])].includes(scope),
        )
        .map((c) => c.clientId);
      expect({ scope, holders }).toEqual({ scope, holders: [`${agency}-system`] });
    }
  });

  it('has one client-credentials system per agency, its service account of that agency with the role service', () => {
    for (const agency of AGENCIES) {
      const client = realm.clients.find((c) => c.clientId === `${agency}-system`);
      expect({
        agency,
        serviceAccounts: client?.serviceAccountsEnabled,
        public: client?.publicClient,
      }).toEqual({
        agency,
        serviceAccounts: true,
        public: false,
      });
      const account = realm.users?.find((u) => u.serviceAccountClientId === `${agency}-system`);
      expect({ agency, of: account?.attributes?.agency, roles: account?.realmRoles }).toEqual({
        agency,
        of: [agency],
        roles: ['service'],
      });
    }
  });
});
