import { BadRequestException } from '@nestjs/common';
import { SchemaValidationPipe } from './http.js';

describe('SchemaValidationPipe', () => {
  const pipe = new SchemaValidationPipe({
    type: 'object',
    additionalProperties: false,
    required: ['grid', 'severity'],
    properties: {
      grid: { type: 'string', pattern: '^[A-Z]-[0-9]{4}$' },
      severity: { enum: ['low', 'high'] },
    },
  });

  it('passes a valid body through unchanged', () => {
    const body = { grid: 'G-0312', severity: 'low' };
    expect(pipe.transform(body)).toBe(body);
  });

  it('answers 400 naming each bad field', () => {
    let error: unknown;
    try {
      pipe.transform({ grid: 12, extra: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BadRequestException);
    const body = (error as BadRequestException).getResponse() as { problems: { field: string }[] };
    expect(body.problems.map((p) => p.field).sort()).toEqual(['/extra', '/grid', '/severity']);
  });
});
