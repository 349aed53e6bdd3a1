import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { TokenVerifier } from './token-verifier.js';

/**
 * Key rotation against a JWKS served over HTTP (a local server standing in for
 * nothing but a static key set): a token signed with a key published after the
 * set was cached is accepted at once, not after a cooldown.
 */
describe('TokenVerifier with a JWKS', () => {
  const keys: { kid: string; key: KeyObject; priv: KeyObject }[] = [];
  let server: Server;
  let jwksUrl = '';
  let fetches = 0;

  const addKey = (kid: string) => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keys.push({ kid, key: pair.publicKey, priv: pair.privateKey });
  };
  const token = (kid: string) =>
    new SignJWT({ agency: 'swc', roles: ['coordinator'] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('coord-1')
      .setIssuer('https://id.example/realms/gridline')
      .setAudience('gridline')
      .setExpirationTime('5m')
      .sign(keys.find((k) => k.kid === kid)!.priv);

  beforeAll(async () => {
    addKey('old');
    server = createServer((_, response) => {
      fetches += 1;
      void Promise.all(
        keys.map(async ({ kid, key }) => ({
          ...(await exportJWK(key)),
          kid,
          alg: 'ES256',
          use: 'sig',
        })),
      ).then((jwks) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: jwks }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('accepts a token of a newly published key at once, and still the older key', async () => {
    const verifier = new TokenVerifier({
      issuer: 'https://id.example/realms/gridline',
      audience: 'gridline',
      jwksUrl,
    });
    expect(await verifier.verify(await token('old'))).toMatchObject({ id: 'coord-1' });
    addKey('new');
    expect(await verifier.verify(await token('new'))).toMatchObject({ id: 'coord-1' });
    expect(await verifier.verify(await token('old'))).toMatchObject({ id: 'coord-1' });
    expect(fetches).toBe(2);
  });

  it('refuses an unknown key id after one look, and looks again at most once a second', async () => {
    const verifier = new TokenVerifier({
      issuer: 'https://id.example/realms/gridline',
      audience: 'gridline',
      jwksUrl,
    });
    await verifier.verify(await token('old'));
    const before = fetches;
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = await new SignJWT({ agency: 'swc', roles: ['coordinator'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'made-up' })
      .setSubject('coord-1')
      .setIssuer('https://id.example/realms/gridline')
      .setAudience('gridline')
      .setExpirationTime('5m')
      .sign(pair.privateKey);
    for (let i = 0; i < 5; i += 1)
      await expect(verifier.verify(forged)).rejects.toMatchObject({
        code: 'ERR_JWKS_NO_MATCHING_KEY',
      });
    expect(fetches - before).toBe(1);
  });
});
