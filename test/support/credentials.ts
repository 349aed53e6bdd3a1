import { randomBytes } from 'node:crypto';
import type { client } from './http.js';

type Client = ReturnType<typeof client>;

export interface GrantedCredential {
  readonly officerId: string;
  readonly credentialNumber: string;
  readonly issuingBody: string;
  readonly validFrom: string;
  readonly validTo: string;
}

/** A credential number no run has used: the test database outlives runs, and a number is granted once. */
export const freshCredentialNumber = (prefix = 'ZF-T') =>
  `${prefix}-${randomBytes(6).toString('hex')}`;

/**
 * Grants an officer an enforcement credential over HTTP, as the street office's
 * admin does (`POST /api/credentials`; `admin` is a street-service client of a
 * street principal with the `admin` role). By default a fresh number valid from
 * 2000 to 2100, so any time a test acts at counts. Fails unless it is recorded.
 */
export async function grantCredential(
  admin: Client,
  officerId: string,
  options: Partial<Omit<GrantedCredential, 'officerId'>> = {},
): Promise<GrantedCredential> {
  const credential: GrantedCredential = {
    officerId,
    credentialNumber: options.credentialNumber ?? freshCredentialNumber(),
    issuingBody: options.issuingBody ?? 'Xicheng District Urban Management Bureau',
    validFrom: options.validFrom ?? '2000-01-01T00:00:00.000Z',
    validTo: options.validTo ?? '2100-01-01T00:00:00.000Z',
  };
  const response = await admin.post('/api/credentials', credential);
  if (response.status !== 201)
    throw new Error(
      `granting ${credential.credentialNumber} to ${officerId}: expected 201, got ${response.status}: ${JSON.stringify(response.body)}`,
    );
  return credential;
}
