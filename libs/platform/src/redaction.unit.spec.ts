import { JsonLogger } from './logger.js';
import { redact, redactText, REDACTED } from './redaction.js';

const jwt =
  'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ3b3JrZXItMTciLCJhZ2VuY3kiOiJzdHJlZXQifQ.c2lnbmF0dXJlLWJ5dGVz';

describe('log redaction', () => {
  it('redacts secret and personal fields by name, at any depth', () => {
    const out = redact({
      headers: { authorization: `Bearer ${jwt}`, Cookie: 'sid=1', accept: 'application/json' },
      body: { reporterContact: '+86 139 0000 1111', description: 'blocked drain', apiKey: 'k' },
      list: [{ password: 'p', idNumber: '110105197812345678', caseId: 'c-1' }],
      caseId: 'c-2',
    });
    expect(out).toEqual({
      headers: { authorization: REDACTED, Cookie: REDACTED, accept: 'application/json' },
      body: { reporterContact: REDACTED, description: 'blocked drain', apiKey: REDACTED },
      list: [{ password: REDACTED, idNumber: REDACTED, caseId: 'c-1' }],
      caseId: 'c-2',
    });
  });

  it('redacts tokens, phone numbers, ID numbers and e-mail addresses wherever they appear', () => {
    expect(redactText(`refused Bearer ${jwt} for worker-17`)).toBe(
      'refused Bearer [redacted] for worker-17',
    );
    expect(redactText(`token ${jwt}`)).toBe('token [redacted jwt]');
    expect(redactText('call +86 139 0000 1111 or 13900001111')).toBe(
      'call [redacted phone] or [redacted phone]',
    );
    expect(redactText('ID 110105197812345678, 11010519781234567X')).toBe(
      'ID [redacted id], [redacted id]',
    );
    expect(redactText('mail zhang.wei@example.gov.cn')).toBe('mail [redacted e-mail]');
  });

  it('leaves what operators need: ids, positions, times, addresses of servers', () => {
    const line = 'case 5f0c3a9e-2b1d-4c8e-9f00-0a1b2c3d4e5f at 1190362/1964, 2026-12-02T07:00:00Z';
    expect(redactText(line)).toBe(line);
    expect(redactText('listening on http://127.0.0.1:3003')).toBe(
      'listening on http://127.0.0.1:3003',
    );
    expect(redact({ durationMs: 12.5, status: 201, sealNo: 12 })).toEqual({
      durationMs: 12.5,
      status: 201,
      sealNo: 12,
    });
  });

  it('is applied by the logger to the message and every field', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('test', 'info', (line) => lines.push(line));
    logger.warn(`could not verify Bearer ${jwt}`, { reporterContact: '13900001111', caseId: 'c' });
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      message: 'could not verify Bearer [redacted]',
      reporterContact: REDACTED,
      caseId: 'c',
    });
    expect(lines[0]).not.toContain(jwt);
    expect(lines[0]).not.toContain('13900001111');
  });
});
