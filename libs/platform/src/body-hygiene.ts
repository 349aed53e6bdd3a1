import {
  BadRequestException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';

/**
 * What no request body may hold, whatever its route's schema says: text that a
 * database refuses (a NUL, a lone UTF-16 surrogate, which PostgreSQL's jsonb and
 * text reject with a server error), control characters that make a terminal or a
 * log viewer act (ESC sequences, BEL, backspace; tab, line feed and carriage
 * return are text), and nesting deep enough to exhaust a recursive walk. Checked
 * first, before the idempotency fingerprint and the schema: 400 naming the field.
 */
export const MAX_BODY_DEPTH = 32;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// C0 but tab, LF, CR; DEL; C1 (U+0080–U+009F, CSI among them).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Why a string may not be stored, or undefined. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  if (CONTROL.test(text))
    return 'contains a control character (only tab, line feed and carriage return are allowed)';
  return undefined;
}

/** The first problem in a parsed body (strings, keys, depth), with its JSON Pointer. */
export function bodyProblem(body: unknown): { field: string; message: string } | undefined {
  const stack: [unknown, string, number][] = [[body, '', 0]];
  while (stack.length > 0) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { field: path || '/', message: problem };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH)
      return { field: path || '/', message: `nested deeper than ${MAX_BODY_DEPTH} levels` };
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((item, i) => [String(i), item])
      : Object.entries(value);
    for (const [key, child] of entries) {
      const pointer = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const keyProblem = textProblem(key);
      if (keyProblem) return { field: pointer, message: `its name ${keyProblem}` };
      stack.push([child, pointer, depth + 1]);
    }
  }
  return undefined;
}

/** Refuses a body with a problem `bodyProblem` names (every route, before the rest). */
@Injectable()
export class BodyHygieneInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<{ body?: unknown }>();
      const problem = bodyProblem(request.body);
      if (problem)
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: 'request body is invalid',
          problems: [problem],
        });
    }
    return next.handle();
  }
}
