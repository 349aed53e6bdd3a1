// Who the access token names. The payload is decoded to show who is signed in
// and to hide what a role cannot use; it is never verified here — the gateway
// verifies every request. The token itself is kept by api/oidc, in memory.
import type { Role } from './types';

export interface Identity {
  /** The principal as Gridline records it (the provider's username), else the subject. */
  readonly sub: string;
  /** An agency code (swc, drc, street) as the token says; shown as it is. */
  readonly agency: string;
  readonly roles: readonly Role[];
  /** Expiry, ms since epoch, when the token says. */
  readonly expiresAt?: number;
}

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The JWT's claims, or undefined when the text is not a JWT with a JSON payload. */
export function decodeIdentity(token: string): Identity | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
    const roles = Array.isArray(payload.roles)
      ? (payload.roles.filter((r) => typeof r === 'string') as Role[])
      : [];
    return {
      sub:
        typeof payload.preferred_username === 'string'
          ? payload.preferred_username
          : typeof payload.sub === 'string'
            ? payload.sub
            : '?',
      agency: typeof payload.agency === 'string' ? payload.agency : '?',
      roles,
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Roles that see every case (the gateway decides; the console only adapts its menus). */
export const SEES_ALL: readonly Role[] = ['coordinator', 'analyst', 'admin'];

export const isAdmin = (identity: Identity) => identity.roles.includes('admin');
