import { SEVERITIES, type RiskLevel, type Severity } from '@gridline/contracts';

export const AUTO_OPEN_POLICY = Symbol('AUTO_OPEN_POLICY');

/** Which street reports open a coordinated case on their own. */
export interface AutoOpenPolicy {
  readonly minSeverity: Severity;
  /** Categories that always open a case, whatever the severity (e.g. gas-leak). */
  readonly alwaysOpen: readonly string[];
}

export function shouldOpenCase(policy: AutoOpenPolicy, severity: Severity, category: string) {
  return (
    policy.alwaysOpen.includes(category) ||
    SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(policy.minSeverity)
  );
}

/** A warning's level read as the severity of the prevention case it opens. */
export const SEVERITY_OF_LEVEL: Readonly<Record<RiskLevel, Severity>> = {
  blue: 'low',
  yellow: 'medium',
  orange: 'high',
  red: 'critical',
};
