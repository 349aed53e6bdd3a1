import { shouldOpenCase } from './street-report.reaction.js';

describe('auto-open policy', () => {
  it('opens a case for reports at or above the configured severity only', () => {
    const policy = { minSeverity: 'high' as const };
    expect(shouldOpenCase(policy, 'medium')).toBe(false);
    expect(shouldOpenCase(policy, 'high')).toBe(true);
    expect(shouldOpenCase(policy, 'critical')).toBe(true);
    expect(shouldOpenCase({ minSeverity: 'low' }, 'low')).toBe(true);
  });
});
