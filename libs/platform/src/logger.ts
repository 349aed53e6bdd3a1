import type { LoggerService } from '@nestjs/common';
import { redact, redactText } from './redaction.js';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON object per line on stdout: time, level, service, message and
 * fields. Used by Nest (LoggerService) and by our libraries alike. Every line is
 * redacted (redaction.ts): no secret or personal datum is written, whatever a
 * caller passes.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly service: string,
    private readonly minLevel: Level = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  private emit(level: Level, message: unknown, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] < ORDER[this.minLevel]) return;
    const text = message instanceof Error ? message.message : String(message);
    this.write(
      JSON.stringify({
        time: new Date().toISOString(),
        level,
        service: this.service,
        message: redactText(text),
        ...(redact(fields) as Record<string, unknown>),
      }),
    );
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.emit('info', message, fields);
  }
  warn(message: unknown, fields?: unknown): void {
    this.emit('warn', message, asFields(fields));
  }
  error(message: unknown, fields?: unknown): void {
    this.emit('error', message, asFields(fields));
  }
  // Nest's LoggerService methods: the optional second argument is a context name.
  log(message: unknown, context?: unknown): void {
    this.emit('info', message, asFields(context));
  }
  debug(message: unknown, context?: unknown): void {
    this.emit('debug', message, asFields(context));
  }
  verbose(message: unknown, context?: unknown): void {
    this.emit('debug', message, asFields(context));
  }
}

function asFields(extra: unknown): Record<string, unknown> {
  if (extra === undefined) return {};
  if (typeof extra === 'string') return { context: extra };
  if (typeof extra === 'object' && extra !== null) return extra as Record<string, unknown>;
  return { detail: typeof extra === 'number' || typeof extra === 'boolean' ? extra : typeof extra };
}
