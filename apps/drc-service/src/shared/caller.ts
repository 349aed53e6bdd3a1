import { createParamDecorator, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '@gridline/platform';

/** Who asked for a command over HTTP, and the trace it belongs to. */
export interface Caller {
  readonly principal: Principal;
  readonly traceparent?: string;
}

/** The caller of a command route: the authenticated principal and the request's `traceparent`. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const request = ctx.switchToHttp().getRequest<{
    principal?: Principal;
    headers: Record<string, string | string[] | undefined>;
  }>();
  if (!request.principal) throw new UnauthorizedException();
  const traceparent = request.headers['traceparent'];
  return {
    principal: request.principal,
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
  };
});
