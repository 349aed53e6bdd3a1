import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

const CATEGORY = /^[a-z][a-z0-9-]{1,63}$/;

/** A violation category in a path: it becomes part of a stream name, so it is checked. */
@Injectable()
export class CategoryPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CATEGORY.test(value))
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'the category is invalid',
        problems: [{ field: 'category', message: `must match ${CATEGORY.source}` }],
      });
    return value;
  }
}
