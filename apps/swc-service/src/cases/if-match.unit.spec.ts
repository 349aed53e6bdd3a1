import { BadRequestException } from '@nestjs/common';
import { ifMatchRevision } from './cases.controller.js';

describe('If-Match on a case command', () => {
  it('reads the revision the person decided on', () => {
    expect(ifMatchRevision('"3"')).toBe(3);
    expect(ifMatchRevision('12')).toBe(12);
    expect(ifMatchRevision('W/"0"')).toBe(0);
    expect(ifMatchRevision(undefined)).toBeUndefined();
  });

  it('refuses what is not a revision', () => {
    expect(() => ifMatchRevision('"abc"')).toThrow(BadRequestException);
    expect(() => ifMatchRevision('*')).toThrow(BadRequestException);
  });
});
