// /cases/new: a coordinator opens a case by hand.
import { OpenCaseForm } from './case/OpenCaseForm';

export function OpenCase() {
  return (
    <div className="page report-page" data-testid="open-case-page">
      <OpenCaseForm />
    </div>
  );
}
