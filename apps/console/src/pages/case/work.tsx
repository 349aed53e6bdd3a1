// What the case page's command forms share: the SWC's own view of the case
// (its revision is what the person decides on, sent as If-Match), the SLA
// table, and what the page does after a command was recorded or refused as a
// concurrent change (409: reload, and list what changed meanwhile).
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { readAgency, type Refusal } from '../../api/commands';
import { useCommand, type CommandState } from '../../lib/useCommand';

export type RiskLevel = 'blue' | 'yellow' | 'orange' | 'red';
export type CaseMode = 'routine' | 'emergency';
export type HandlingAgency = 'drc' | 'street';
export const RISK_LEVELS: readonly RiskLevel[] = ['blue', 'yellow', 'orange', 'red'];
export const HANDLING_AGENCIES: readonly HandlingAgency[] = ['street', 'drc'];

/** GET /api/cases/:id of the SWC service (apps/swc-service/src/cases/get-case.query.ts). */
export interface SwcCase {
  readonly caseId: string;
  readonly status: 'open' | 'closed';
  readonly riskLevel?: RiskLevel;
  readonly mode: CaseMode;
  readonly triaged: boolean;
  readonly verified: boolean;
  readonly assignments: Readonly<
    Record<
      string,
      {
        readonly agency: HandlingAgency;
        readonly role: 'lead' | 'co-handler';
        readonly status: string;
        readonly dueAt: string;
      }
    >
  >;
  readonly revision: number;
}

/** GET /api/sla of the SWC service: hours per mode and risk level. */
export type SlaTable = Readonly<Record<CaseMode, Readonly<Record<RiskLevel, number>>>>;

let slaTable: Promise<SlaTable> | undefined;

/** The SLA table the SWC service runs with (read once per page load). */
export function useSla(): SlaTable | undefined | null {
  const [sla, setSla] = useState<SlaTable | undefined | null>(undefined);
  useEffect(() => {
    slaTable ??= readAgency<SlaTable>('swc', 'sla');
    let live = true;
    slaTable.then(
      (table) => live && setSla(table),
      () => {
        slaTable = undefined;
        if (live) setSla(null);
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return sla;
}

/** What a case form gets from the page. */
export interface CaseFormProps {
  readonly swc: SwcCase;
  readonly onRecorded: () => void;
  readonly onConflict: () => void;
  /** After a 409: the entries recorded since the revision the form was based on. */
  readonly changed: ReactNode;
}

/** A case command: POST cases/:caseId/<path> with the revision the person saw as If-Match. */
export function useCaseCommand<T = unknown>(
  path: string,
  props: CaseFormProps,
): CommandState<T> & { readonly send: (body: unknown) => void } {
  const command = useCommand<T>(
    'swc',
    `cases/${props.swc.caseId}/${path}`,
    props.onRecorded,
    (refusal: Refusal) => {
      if (refusal.kind === 'conflict') props.onConflict();
    },
  );
  return {
    ...command,
    send: (body) => void command.submit(body, { ifMatch: props.swc.revision }),
  };
}
