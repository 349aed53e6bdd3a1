import { loadConfig, parsers, setting } from '@gridline/platform';

export const streetSettings = {
  STREET_LOOKBACK_MONTHS: setting(
    'look-back window of the 721 progression (reminder → warning → penalty), in months',
    parsers.positiveInt,
    12,
  ),
  STREET_MAJOR_DECISION_THRESHOLD_YUAN: setting(
    'fine above which a penalty decision is major and needs legal review, in yuan',
    parsers.positiveInt,
    10_000,
  ),
  STREET_APPEAL_TIME_LIMIT_DAYS: setting(
    'days after issue within which a decision may be appealed',
    parsers.positiveInt,
    60,
  ),
};

/**
 * The configurable numbers of street enforcement. Handlers pass them into
 * commands so deciders stay pure and tests can set them.
 */
export interface EnforcementPolicy {
  readonly lookBackMonths: number;
  readonly majorThresholdYuan: number;
  readonly appealTimeLimitDays: number;
}

export const ENFORCEMENT_POLICY = Symbol('ENFORCEMENT_POLICY');

export function loadEnforcementPolicy(
  env: Readonly<Record<string, string | undefined>> = process.env,
): EnforcementPolicy {
  const config = loadConfig(streetSettings, env);
  return {
    lookBackMonths: config.STREET_LOOKBACK_MONTHS,
    majorThresholdYuan: config.STREET_MAJOR_DECISION_THRESHOLD_YUAN,
    appealTimeLimitDays: config.STREET_APPEAL_TIME_LIMIT_DAYS,
  };
}
