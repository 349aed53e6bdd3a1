import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { signDevToken, TokenVerifier } from './token-verifier.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: typeof ec.publicKey) =>
  key.export({ type: key.type === 'public' ? 'spki' : 'pkcs8', format: 'pem' }).toString();

const options = { issuer: 'gridline-test', audience: 'gridline' };
const verifier = (publicKey = ec.publicKey) =>
  new TokenVerifier({ ...options, publicKeyPem: pem(publicKey) });

describe('TokenVerifier', () => {
  it('accepts ES256 and RS256 tokens and reads principal, agency, roles, credential', async () => {
    const es = await signDevToken(
      pem(ec.privateKey),
      { sub: 'officer-3', agency: 'street', roles: ['officer'], credentialId: 'ZF-110-0042' },
      options,
    );
    expect(await verifier().verify(es)).toEqual({
      id: 'officer-3',
      agency: 'street',
      roles: ['officer'],
      credentialId: 'ZF-110-0042',
    });
    const rs = await signDevToken(
      pem(rsa.privateKey),
      { sub: 'coord-1', agency: 'swc', roles: ['coordinator'] },
      options,
    );
    expect(await verifier(rsa.publicKey).verify(rs)).toMatchObject({ id: 'coord-1' });
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
    const expired = await new SignJWT({ agency: 'street', roles: ['grid-worker'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('w')
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(ec.privateKey);
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
    await expect(verifier().verify(otherIssuer)).rejects.toMatchObject({ claim: 'iss' });
  });

  it('refuses tokens with an unknown agency or role', async () => {
    const bad = await new SignJWT({ agency: 'police', roles: ['grid-worker'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('w')
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setExpirationTime('1h')
      .sign(ec.privateKey);
    await expect(verifier().verify(bad)).rejects.toThrow('token names no known agency');
    const badRole = await new SignJWT({ agency: 'street', roles: ['king'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('w')
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setExpirationTime('1h')
      .sign(ec.privateKey);
    await expect(verifier().verify(badRole)).rejects.toThrow('token roles are missing or unknown');
  });

  it('will not start without a key', () => {
    expect(() => new TokenVerifier(options)).toThrow(/no token verification key/);
  });
});
