import type { ParamDoc } from '@gridline/platform';

/** What any street command may answer besides its success, its body and its access. */
export const commandAnswers = {
  404: 'the aggregate named in the path does not exist',
  409: 'concurrent changes kept conflicting',
  422: 'a business rule refused it (`error` code, `details`)',
} as const;

/** A path parameter that is a UUID. */
export const uuidParam = (description: string): ParamDoc => ({ format: 'uuid', description });

/** A violation category in a path (CategoryPipe checks it). */
export const categoryParam: ParamDoc = 'violation category, e.g. street-vending';
