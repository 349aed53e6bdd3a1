// What waits on the signed-in person, shared by the navigation's badge and the
// "My work" page: loaded once, and again (debounced) when the live stream brings
// an entry for a case in the list or of a kind that can add or end work.
import { createContext, useContext, useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { getMyWork, type MyWork } from '../api/gateway';
import type { Identity } from '../api/session';
import { useLiveEntries } from '../live';
import { useAsync, type AsyncState } from '../lib/useAsync';

/** Entries of these aggregates can open or end work (work-items.ts in the read models). */
const WORK_EVENTS = /^(swc\.case\.|street\.decision\.|drc\.warning\.|drc\.project\.)/;
const DEBOUNCE_MS = 500;

const MyWorkContext = createContext<AsyncState<MyWork> | null>(null);

export function MyWorkProvider({ children }: { children: ReactNode }) {
  const state = useAsync((signal) => getMyWork({ signal }), []);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const { data, reload } = state;
  useLiveEntries((entry) => {
    const listed = data?.items.some((item) => item.caseId === entry.caseId) ?? false;
    if (!listed && !WORK_EVENTS.test(entry.type)) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(reload, DEBOUNCE_MS);
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  return <MyWorkContext.Provider value={state}>{children}</MyWorkContext.Provider>;
}

export function useMyWork(): AsyncState<MyWork> {
  const context = useContext(MyWorkContext);
  if (!context) throw new Error('useMyWork outside MyWorkProvider');
  return context;
}

/**
 * Roles whose work is on "My work": it is their landing page. SWC's
 * coordinators, analysts and admins keep the board (their triage, verification
 * and closures show in the badge).
 */
export function landsOnMyWork(identity: Identity): boolean {
  const roles: readonly string[] = identity.roles;
  if (identity.agency === 'swc' || roles.includes('admin')) return false;
  return (
    roles.includes('officer') ||
    roles.includes('legal-reviewer') ||
    (identity.agency === 'drc' && (roles.includes('coordinator') || roles.includes('analyst')))
  );
}
