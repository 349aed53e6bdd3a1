import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { officerIdSchema } from './credential.commands.js';

const OFFICER_ID = new RegExp(officerIdSchema.pattern);

/** An officer id in a path: it becomes part of a stream name, so it is checked. */
@Injectable()
export class OfficerIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!OFFICER_ID.test(value))
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'the officer id is invalid',
        problems: [{ field: 'officerId', message: `must match ${OFFICER_ID.source}` }],
      });
    return value;
  }
}
