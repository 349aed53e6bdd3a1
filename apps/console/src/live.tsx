// One live stream per signed-in tab, shared by every page: pages subscribe to
// the timeline entries they care about.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { ReactNode } from 'react';
import { accessToken } from './api/oidc';
import { openLiveStream, type LiveState } from './api/sse';
import type { TimelineEntry } from './api/types';

type Listener = (entry: TimelineEntry) => void;

interface Live {
  readonly state: LiveState;
  readonly subscribe: (listener: Listener) => () => void;
}

const LiveContext = createContext<Live | null>(null);

/** `principal`: a new stream when someone else signs in; a refreshed token is read at each reconnection. */
export function LiveProvider({ principal, children }: { principal: string; children: ReactNode }) {
  const [state, setState] = useState<LiveState>('connecting');
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    const close = openLiveStream({
      token: accessToken,
      onState: setState,
      onEntry: (entry) => listeners.current.forEach((listener) => listener(entry)),
    });
    return close;
  }, [principal]);

  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => {
      listeners.current.delete(listener);
    };
  }, []);

  const value = useMemo<Live>(() => ({ state, subscribe }), [state, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const context = useContext(LiveContext);
  if (!context) throw new Error('useLive outside LiveProvider');
  return context;
}

/** Calls `onEntry` for each live entry while `enabled`; the latest callback is used. */
export function useLiveEntries(onEntry: Listener, enabled = true): void {
  const { subscribe } = useLive();
  const latest = useRef(onEntry);
  latest.current = onEntry;
  useEffect(() => {
    if (!enabled) return undefined;
    return subscribe((entry) => latest.current(entry));
  }, [subscribe, enabled]);
}
