import {
  additionalMeasureSchema,
  penaltyCircumstanceSchema,
  seriousViolationSchema,
  yuanSchema,
} from '@gridline/contracts';

/** JSON Schema fragments of request bodies shared by several street endpoints. */
export const penaltyTermsBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['circumstance', 'amountYuan'],
  properties: {
    circumstance: penaltyCircumstanceSchema,
    amountYuan: yuanSchema,
    additionalMeasure: additionalMeasureSchema,
  },
} as const;

export const seriousBodySchema = seriousViolationSchema;
export const textBodySchema = { type: 'string', minLength: 1, maxLength: 2000 } as const;
