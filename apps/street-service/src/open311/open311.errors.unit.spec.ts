import { BadRequestException, HttpException, UnauthorizedException } from '@nestjs/common';
import { DomainError } from '@gridline/eventsourcing';
import { presentedKey } from './open311.auth.js';
import { Open311Error, toGeoReportErrors } from './open311.errors.js';

describe('Open311 errors in GeoReport form', () => {
  it('keeps ours as they are', () => {
    expect(toGeoReportErrors(new Open311Error(400, ['lat: bad', 'long: bad']))).toEqual([
      400,
      [
        { code: 400, description: 'lat: bad' },
        { code: 400, description: 'long: bad' },
      ],
    ]);
  });

  it('translates the platform’s: validation problems, auth, rules, rate limits, the unexpected', () => {
    const invalid = new BadRequestException({
      statusCode: 400,
      message: 'request body is invalid',
      problems: [{ field: '/note', message: 'is required' }],
    });
    expect(toGeoReportErrors(invalid)).toEqual([
      400,
      [{ code: 400, description: '/note: is required' }],
    ]);
    expect(toGeoReportErrors(new UnauthorizedException('a bearer token is required'))).toEqual([
      401,
      [{ code: 401, description: 'a bearer token is required' }],
    ]);
    expect(toGeoReportErrors(new DomainError('issue-exists', 'already reported'))).toEqual([
      422,
      [{ code: 422, description: 'issue-exists: already reported' }],
    ]);
    expect(toGeoReportErrors(new HttpException({ message: 'too many' }, 429))).toEqual([
      429,
      [{ code: 429, description: 'too many' }],
    ]);
    // Nothing of an unexpected error leaks.
    expect(toGeoReportErrors(new Error('pg: password authentication failed'))).toEqual([
      500,
      [{ code: 500, description: 'internal error' }],
    ]);
  });
});

describe('the key a GeoReport client presents', () => {
  it('is a bearer header, else the api_key form field (POST) or query parameter (GET)', () => {
    expect(
      presentedKey({
        method: 'POST',
        headers: { authorization: 'Bearer abc' },
        body: { api_key: 'x' },
      }),
    ).toBe('abc');
    expect(presentedKey({ method: 'POST', headers: {}, body: { api_key: 'x' } })).toBe('x');
    expect(
      presentedKey({ method: 'GET', headers: {}, query: { api_key: 'q' }, body: { api_key: 'x' } }),
    ).toBe('q');
    expect(
      presentedKey({ method: 'POST', headers: {}, body: { api_key: ['x', 'y'] } }),
    ).toBeUndefined();
    expect(presentedKey({ method: 'POST', headers: {} })).toBeUndefined();
  });
});
