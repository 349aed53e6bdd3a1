import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { type ConfigError, loadConfig } from './config.js';
import { authRules, authSettings, signDevToken, TokenVerifier } from './token-verifier.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: typeof ec.publicKey) =>
  key.export({ type: key.type === 'public' ? 'spki' : 'pkcs8', format: 'pem' }).toString();

const options = { issuer: 'gridline-test', audience: 'gridline' };
const verifier = (publicKey = ec.publicKey) =>
  new TokenVerifier({ ...options, publicKeyPem: pem(publicKey) });

/** A token with these claims signed by the test key; `exp` given as jose takes it, or none. */
const signed = (
  claims: Record<string, unknown>,
  { sub = 'w', exp = '1h' }: { sub?: string; exp?: string | number | null } = {},
) => {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(sub)
    .setIssuer(options.issuer)
    .setAudience(options.audience);
  return (exp === null ? jwt : jwt.setExpirationTime(exp)).sign(ec.privateKey);
};

describe('TokenVerifier', () => {
  it('accepts ES256 and RS256 tokens and reads principal, agency and roles', async () => {
    const es = await signDevToken(
      pem(ec.privateKey),
      { sub: 'officer-3', agency: 'street', roles: ['officer'] },
      options,
    );
    expect(await verifier().verify(es)).toEqual({
      id: 'officer-3',
      agency: 'street',
      roles: ['officer'],
    });
    const rs = await signDevToken(
      pem(rsa.privateKey),
      { sub: 'coord-1', agency: 'swc', roles: ['coordinator'] },
      options,
    );
    expect(await verifier(rsa.publicKey).verify(rs)).toMatchObject({ id: 'coord-1' });
  });

  it('reads no enforcement credential from a token: those are facts of the street registry', async () => {
    const token = await new SignJWT({
      agency: 'street',
      roles: ['officer'],
      credential_id: 'ZF-110-0042',
    })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('officer-3')
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(ec.privateKey);
    expect(await verifier().verify(token)).toEqual({
      id: 'officer-3',
      agency: 'street',
      roles: ['officer'],
    });
  });

  it('refuses forged, expired, wrong-audience and wrong-issuer tokens', async () => {
    const claims = { sub: 'w', agency: 'street' as const, roles: ['grid-worker' as const] };
    const forged = await signDevToken(
      pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
      claims,
      options,
    );
    await expect(verifier().verify(forged)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    const expired = await signed(
      { agency: 'street', roles: ['grid-worker'] },
      { exp: Math.floor(Date.now() / 1000) - 60 },
    );
    await expect(verifier().verify(expired)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    const otherAudience = await signDevToken(pem(ec.privateKey), claims, {
      ...options,
      audience: 'elsewhere',
    });
    await expect(verifier().verify(otherAudience)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
    const otherIssuer = await signDevToken(pem(ec.privateKey), claims, { ...options, issuer: 'x' });
    await expect(verifier().verify(otherIssuer)).rejects.toThrow('untrusted issuer');
  });

  it('refuses a token without an expiry', async () => {
    const endless = await signed({ agency: 'street', roles: ['grid-worker'] }, { exp: null });
    await expect(verifier().verify(endless)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'exp',
    });
  });

  it("reads the principal, agency and roles where the provider puts them, ignoring roles it doesn't know", async () => {
    const keycloakLike = await new SignJWT({
      preferred_username: 'street-officer',
      org: { agency: 'street' },
      realm_access: { roles: ['officer', 'offline_access', 'default-roles-gridline'] },
      scope: 'openid gridline',
    })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('6f1c0d2e-uuid')
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setExpirationTime('5m')
      .sign(ec.privateKey);
    const claims = {
      principal: 'preferred_username',
      agency: 'org.agency',
      roles: 'realm_access.roles',
    };
    expect(
      await new TokenVerifier({ ...options, publicKeyPem: pem(ec.publicKey), claims }).verify(
        keycloakLike,
      ),
    ).toEqual({
      id: 'street-officer',
      agency: 'street',
      roles: ['officer'],
      scopes: ['openid', 'gridline'],
    });
  });

  it('checks each token against the issuer it names, and only trusted issuers', async () => {
    const dev = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const both = new TokenVerifier(
      { ...options, publicKeyPem: pem(ec.publicKey) },
      { issuer: 'gridline-dev', audience: 'gridline', publicKeyPem: pem(dev.publicKey) },
    );
    const claims = { sub: 'c', agency: 'swc' as const, roles: ['coordinator' as const] };
    const fromDev = await signDevToken(pem(dev.privateKey), claims, {
      issuer: 'gridline-dev',
      audience: 'gridline',
    });
    expect(await both.verify(fromDev)).toMatchObject({ id: 'c' });
    // The dev key cannot sign for the provider's issuer…
    const forgedProvider = await signDevToken(pem(dev.privateKey), claims, options);
    await expect(both.verify(forgedProvider)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    // …and without the dev issuer configured its tokens are refused.
    await expect(verifier().verify(fromDev)).rejects.toThrow('untrusted issuer');
  });

  it('refuses tokens with an unknown agency or none of its roles', async () => {
    const bad = await signed({ agency: 'police', roles: ['grid-worker'] });
    await expect(verifier().verify(bad)).rejects.toThrow('token names no known agency');
    const badRole = await signed({ agency: 'street', roles: ['king'] });
    // A token of no known role is a principal who may do nothing (deny by default).
    expect(await verifier().verify(badRole)).toMatchObject({ roles: [] });
    const noRoles = await signed({ agency: 'street' });
    await expect(verifier().verify(noRoles)).rejects.toThrow('token carries no roles');
  });

  it('needs an issuer, an audience and a key; JWKS over http and dev tokens only in the local profile', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(authSettings, env, authRules);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({})).toEqual([
      expect.stringMatching(/^JWT_ISSUER is required/),
      expect.stringMatching(/^JWT_AUDIENCE is required/),
      expect.stringMatching(/^JWT_JWKS_URL or JWT_PUBLIC_KEY_FILE is required/),
    ]);
    const provider = { JWT_ISSUER: 'https://id.example/realms/g', JWT_AUDIENCE: 'gridline' };
    expect(
      problems({
        ...provider,
        JWT_JWKS_URL: 'https://id.example/realms/g/protocol/openid-connect/certs',
      }),
    ).toEqual([]);
    expect(problems({ ...provider, JWT_JWKS_URL: 'http://127.0.0.1:18080/certs' })).toEqual([
      expect.stringMatching(/must be https outside the local profile/),
    ]);
    expect(
      problems({
        ...provider,
        JWT_JWKS_URL: 'http://127.0.0.1:18080/certs',
        GRIDLINE_PROFILE: 'local',
      }),
    ).toEqual([]);
    expect(
      problems({
        ...provider,
        JWT_PUBLIC_KEY_FILE: '/k.pem',
        DEV_TOKEN_PUBLIC_KEY_FILE: '/dev.pem',
      }),
    ).toEqual([expect.stringMatching(/only in the local profile/)]);
  });

  it('will not start without a key', () => {
    expect(() => new TokenVerifier(options)).toThrow(/no token verification key/);
  });
});
