import { caseAreaSchema, severitySchema } from '@gridline/contracts';

/** JSON Schemas of the case endpoints' request bodies. */
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const riskLevel = { enum: ['blue', 'yellow', 'orange', 'red'] } as const;
const agency = { enum: ['drc', 'street'] } as const;
const body = (properties: Record<string, object>, required: string[]) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

export const openCaseSchema = body(
  {
    category: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,63}$' },
    location: caseAreaSchema,
    severity: severitySchema,
    riskLevel,
  },
  ['category', 'location', 'severity'],
);
export const triageSchema = body(
  {
    riskLevel,
    category: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,63}$' },
    leadAgency: agency,
    coHandlers: { type: 'array', items: agency, uniqueItems: true, maxItems: 2 },
    instructions: text(2000),
  },
  ['riskLevel', 'category', 'leadAgency', 'coHandlers'],
);
export const riskLevelSchema = body({ to: riskLevel, reason: text(2000) }, ['to', 'reason']);
export const modeSchema = body({ mode: { enum: ['routine', 'emergency'] }, reason: text(2000) }, [
  'mode',
  'reason',
]);
export const assignSchema = body(
  { agency, role: { enum: ['lead', 'co-handler'] }, instructions: text(2000) },
  ['agency', 'role'],
);
export const verifySchema = body({ note: text(2000) }, ['note']);
export const feedbackSchema = body(
  {
    satisfaction: { type: 'integer', minimum: 1, maximum: 5 },
    channel: { enum: ['phone', 'visit', 'online'] },
  },
  ['satisfaction', 'channel'],
);
export const closeSchema = body({}, []);
export const reopenSchema = body({ reason: text(2000) }, ['reason']);
