import { Controller, Inject, Injectable, Res } from '@nestjs/common';
import { PublicRoute } from './access.js';

export type HealthCheck = () => Promise<void>;
export interface CheckResult {
  readonly ok: boolean;
  readonly error?: string;
}

/** Each dependency registers a check; readiness runs them all with a timeout. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2_000): Promise<Record<string, CheckResult>> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, CheckResult]> => {
        try {
          await Promise.race([
            check(),
            new Promise<never>((_, reject) =>
              setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs),
            ),
          ]);
          return [name, { ok: true }];
        } catch (error) {
          return [name, { ok: false, error: (error as Error).message }];
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}

interface StatusResponse {
  status(code: number): { json(body: unknown): void };
}

@Controller('health')
export class HealthController {
  constructor(@Inject(HealthRegistry) private readonly registry: HealthRegistry) {}

  @PublicRoute({
    path: 'live',
    summary: 'Liveness: the process serves HTTP',
    response: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['up'] } },
    },
  })
  live() {
    return { status: 'up' };
  }

  @PublicRoute({
    path: 'ready',
    summary: 'Readiness: every dependency answers',
    answers: { 503: 'a dependency does not answer (`checks` names it)' },
    response: {
      type: 'object',
      required: ['status', 'checks'],
      properties: {
        status: { type: 'string', enum: ['ready', 'unavailable'] },
        checks: {
          type: 'object',
          description: 'each dependency: whether it answered, and the error when not',
          additionalProperties: {
            type: 'object',
            required: ['ok'],
            properties: { ok: { type: 'boolean' }, error: { type: 'string' } },
          },
        },
      },
    },
  })
  async ready(@Res() response: StatusResponse) {
    const checks = await this.registry.run();
    const ok = Object.values(checks).every((c) => c.ok);
    response.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', checks });
  }
}
