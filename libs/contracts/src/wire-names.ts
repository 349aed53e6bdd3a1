import { AGENCIES, type Agency, isAgency } from './agencies.js';

/** `<agency>.<aggregate>.<past-tense-verb>.v<N>`, e.g. `street.issue.reported.v1`. */
const WIRE_NAME = new RegExp(
  `^(${AGENCIES.join('|')})\\.([a-z][a-z-]*)\\.([a-z][a-z-]*)\\.v([1-9][0-9]*)$`,
);

export interface ParsedWireName {
  readonly agency: Agency;
  readonly aggregate: string;
  readonly verb: string;
  readonly version: number;
}

export function parseWireName(type: string): ParsedWireName | undefined {
  const match = WIRE_NAME.exec(type);
  if (!match) return undefined;
  const [, agency, aggregate, verb, version] = match;
  if (!isAgency(agency) || !aggregate || !verb || !version) return undefined;
  return { agency, aggregate, verb, version: Number(version) };
}
