import { BadRequestException } from '@nestjs/common';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO-8601 date or date-time with a zone; 400 naming the parameter otherwise. */
export function parseTime(name: string, value: string | undefined): Date {
  if (value === undefined || value === '')
    throw new BadRequestException(`query parameter ${name} is required (ISO-8601 time)`);
  const time = new Date(value);
  if (!ISO_8601.test(value) || Number.isNaN(time.getTime()))
    throw new BadRequestException(`${name}=${value} is not an ISO-8601 time with a zone`);
  return time;
}

export function parseOptionalTime(name: string, value: string | undefined): Date | undefined {
  return value === undefined || value === '' ? undefined : parseTime(name, value);
}
