// /report: the grid worker's page (phone first).
import { ReportIssueForm } from './report/ReportIssueForm';

export function ReportIssue() {
  return (
    <div className="page report-page" data-testid="report-page">
      <ReportIssueForm />
    </div>
  );
}
