// Who is signed in: the token (sessionStorage), its decoded claims, sign-in and
// sign-out. A 401 from any request signs out with the gateway's reason.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { setUnauthorizedHandler } from './api/client';
import { clearToken, decodeIdentity, readToken, storeToken, type Identity } from './api/session';
import { navigate } from './router';

interface Auth {
  readonly token: string | null;
  readonly identity: Identity | null;
  /** Why the user was signed out (the gateway's 401 message), shown on the sign-in page. */
  readonly signedOutReason: string | null;
  readonly signIn: (token: string) => void;
  readonly signOut: (reason?: string) => void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken);
  const [reason, setReason] = useState<string | null>(null);

  const signOut = useCallback((why?: string) => {
    clearToken();
    setToken(null);
    setReason(why ?? null);
    const here = window.location.pathname + window.location.search;
    navigate(why && here !== '/' ? `/?next=${encodeURIComponent(here)}` : '/', { replace: true });
  }, []);

  const signIn = useCallback((next: string) => {
    storeToken(next);
    setToken(next);
    setReason(null);
  }, []);

  useEffect(() => setUnauthorizedHandler((why) => signOut(why)), [signOut]);

  const value = useMemo<Auth>(
    () => ({
      token,
      identity: token ? (decodeIdentity(token) ?? null) : null,
      signedOutReason: reason,
      signIn,
      signOut,
    }),
    [token, reason, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const context = useContext(AuthContext);
  if (!context) throw new Error('useAuth outside AuthProvider');
  return context;
}
