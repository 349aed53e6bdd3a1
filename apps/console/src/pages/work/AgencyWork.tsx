// The street and DRC staff's work on the case page (beside the SWC's pages/case/CaseWork): the agency's
// inbox entry of the case, the street officer's 721 work, the DRC's projects.
// Each part shows itself only to the roles that may use it (lib/permissions).
import type { CaseAsOf, CaseView, TimelineEntry } from '../../api/types';
import { DrcCasePanel } from './DrcWork';
import { InboxPanel } from './InboxPanel';
import { StreetEnforcementPanel } from './StreetEnforcementPanel';

export function AgencyWork({
  caseId,
  view,
  fold,
  entries,
  reload,
}: {
  caseId: string;
  view: CaseView;
  fold: CaseAsOf | undefined;
  entries: readonly TimelineEntry[];
  reload: () => void;
}) {
  return (
    <div className="work-area" data-testid="agency-work">
      <InboxPanel assignments={view.assignments} reload={reload} />
      <StreetEnforcementPanel
        caseId={caseId}
        category={view.category}
        location={view.location}
        entries={entries}
        decisions={fold?.case.decisions ?? []}
        reload={reload}
      />
      <DrcCasePanel caseId={caseId} location={view.location} entries={entries} reload={reload} />
    </div>
  );
}
