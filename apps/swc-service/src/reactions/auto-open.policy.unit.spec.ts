import { shouldOpenCase } from './auto-open.policy.js';

describe('auto-open policy', () => {
  it('opens a case for reports at or above the configured severity', () => {
    const policy = { minSeverity: 'high' as const, alwaysOpen: [] };
    expect(shouldOpenCase(policy, 'medium', 'littering')).toBe(false);
    expect(shouldOpenCase(policy, 'high', 'littering')).toBe(true);
    expect(shouldOpenCase(policy, 'critical', 'littering')).toBe(true);
  });

  it('always opens a case for the listed categories', () => {
    const policy = { minSeverity: 'critical' as const, alwaysOpen: ['gas-leak'] };
    expect(shouldOpenCase(policy, 'low', 'gas-leak')).toBe(true);
    expect(shouldOpenCase(policy, 'low', 'littering')).toBe(false);
  });
});
