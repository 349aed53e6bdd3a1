import { agencyTarget } from './agency-proxy.js';

describe("the gateway's routes to the agency services", () => {
  it("maps /api/agencies/<agency>/<path> onto the service's /api/<path>, query included", () => {
    expect(agencyTarget('/api/agencies/street/issues/1b2c/acknowledge')).toEqual({
      agency: 'street',
      path: '/api/issues/1b2c/acknowledge',
    });
    expect(agencyTarget('/api/agencies/swc/cases?limit=5')).toEqual({
      agency: 'swc',
      path: '/api/cases?limit=5',
    });
  });

  it('reaches nothing but the three agencies and their API', () => {
    for (const url of [
      '/api/agencies/police/cases',
      '/api/agencies/street',
      '/api/agencies/street/',
      '/api/agencies/street//health/ready',
      '/api/agencies/street/../../health/ready',
      '/api/agencies/street/issues/../../metrics',
      '/api/cases',
    ])
      expect({ url, target: agencyTarget(url) }).toEqual({ url, target: undefined });
  });
});
