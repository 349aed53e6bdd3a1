// Who is signed in: the access token the identity provider issued (kept in
// memory by api/oidc), its decoded claims, sign-in, silent refresh and
// sign-out. A 401 from any request signs out with the gateway's reason.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { setUnauthorizedHandler } from './api/client';
import {
  accountsAddress,
  beginSignIn,
  CALLBACK_PATH,
  completeSignIn,
  endSession,
  forget,
  refresh,
  wasSignedIn,
  type Tokens,
} from './api/oidc';
import { decodeIdentity, type Identity } from './api/session';
import { navigate } from './router';

type Status = 'starting' | 'signed-out' | 'signed-in';

interface Auth {
  readonly status: Status;
  readonly token: string | null;
  readonly identity: Identity | null;
  /** Why the user was signed out (the gateway's or the provider's words), shown on the sign-in page. */
  readonly signedOutReason: string | null;
  /** Leaves for the provider's login page; back at `next` afterwards. */
  readonly signIn: (next?: string) => void;
  /** With a reason: signed out here (the token was refused). Without: here and at the provider. */
  readonly signOut: (reason?: string) => void;
  /** Where admins manage accounts and roles (the provider's admin console), when it has one. */
  readonly accountsUrl: string | undefined;
}

const AuthContext = createContext<Auth | null>(null);

/** A path inside the console to go back to, or its start (which picks each role's landing page). */
function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith(CALLBACK_PATH)
    ? next
    : '/';
}

const here = () => window.location.pathname + window.location.search;

/** The callback is handled once per page load (React may run an effect twice in development). */
let started: Promise<void> | undefined;

/** Refresh this long before the access token expires (a quarter of its life for short ones). */
const REFRESH_MARGIN_MS = 30_000;
const refreshDelay = (expiresAt: number) => {
  const left = expiresAt - Date.now();
  return Math.max(1_000, left - Math.min(REFRESH_MARGIN_MS, left / 4));
};

export function AuthProvider({ children }: { children: ReactNode }) {
  const [tokens, setTokens] = useState<Tokens | null>(null);
  const [status, setStatus] = useState<Status>('starting');
  const [reason, setReason] = useState<string | null>(null);
  const [accountsUrl, setAccountsUrl] = useState<string | undefined>();

  const signedOut = useCallback((why: string | null) => {
    forget();
    setTokens(null);
    setStatus('signed-out');
    setReason(why);
  }, []);

  useEffect(() => {
    started ??= (async () => {
      const url = new URL(window.location.href);
      if (url.pathname === CALLBACK_PATH) {
        const result = await completeSignIn(url);
        if (result.kind === 'signed-in') {
          setTokens(result.tokens);
          setStatus('signed-in');
          navigate(safeNext(result.next), { replace: true });
        } else {
          signedOut(result.kind === 'failed' ? result.reason : null);
          const next = result.kind === 'needs-login' ? safeNext(result.next) : '/';
          navigate(`/?next=${encodeURIComponent(next)}`, { replace: true });
        }
      } else if (wasSignedIn()) {
        // A reload: the tokens were in memory only; the provider's session signs in again.
        await beginSignIn(here(), true);
      } else setStatus('signed-out');
    })().catch((error: unknown) => signedOut((error as Error).message));
  }, [signedOut]);

  // Silent refresh before the access token expires; a refused refresh (session
  // ended, account disabled) signs out with the provider's reason.
  useEffect(() => {
    if (!tokens) return;
    const timer = setTimeout(() => {
      refresh()
        .then(setTokens)
        .catch((error: unknown) => signedOut((error as Error).message));
    }, refreshDelay(tokens.expiresAt));
    return () => clearTimeout(timer);
  }, [tokens, signedOut]);

  const signOut = useCallback(
    (why?: string) => {
      if (why) {
        signedOut(why);
        const at = here();
        navigate(at !== '/' ? `/?next=${encodeURIComponent(at)}` : '/', { replace: true });
      } else void endSession();
    },
    [signedOut],
  );

  const signIn = useCallback((next?: string) => {
    beginSignIn(safeNext(next)).catch((error: unknown) => {
      setReason((error as Error).message);
    });
  }, []);

  useEffect(() => setUnauthorizedHandler((why) => signOut(why)), [signOut]);
  useEffect(() => {
    if (status === 'signed-in') void accountsAddress().then(setAccountsUrl);
  }, [status]);

  const token = tokens?.accessToken ?? null;
  const value = useMemo<Auth>(
    () => ({
      status,
      token,
      identity: token ? (decodeIdentity(token) ?? null) : null,
      signedOutReason: reason,
      signIn,
      signOut,
      accountsUrl,
    }),
    [status, token, reason, signIn, signOut, accountsUrl],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const context = useContext(AuthContext);
  if (!context) throw new Error('useAuth outside AuthProvider');
  return context;
}
