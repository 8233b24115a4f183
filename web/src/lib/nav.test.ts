import { describe, expect, it } from 'vitest';
import { navFor } from './nav.ts';

describe('navFor', () => {
  it('shows the devices page only to the roles that may manage devices', () => {
    const hrefs = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.href);
    expect(hrefs('admin')).toContain('/devices');
    expect(hrefs('supervisor')).toContain('/devices');
    for (const role of ['dispatcher', 'manager', 'collector', undefined] as const) {
      expect(hrefs(role)).not.toContain('/devices');
      expect(hrefs(role)).toContain('/board');
    }
  });

  it('shows the portfolio page only to the roles that may import accounts and generate visits', () => {
    const hrefs = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.href);
    for (const role of ['admin', 'supervisor', 'dispatcher'] as const) expect(hrefs(role)).toContain('/accounts');
    for (const role of ['manager', 'collector', undefined] as const) expect(hrefs(role)).not.toContain('/accounts');
  });

  it('shows the collectors-and-teams page only to admins and supervisors', () => {
    const hrefs = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.href);
    for (const role of ['admin', 'supervisor'] as const) expect(hrefs(role)).toContain('/team');
    for (const role of ['dispatcher', 'manager', 'collector', undefined] as const) expect(hrefs(role)).not.toContain('/team');
  });

  it('shows the users page to admins only', () => {
    expect(navFor('admin').map((i) => i.href)).toContain('/users');
    for (const role of ['supervisor', 'dispatcher', 'manager', 'collector', undefined] as const) expect(navFor(role).map((i) => i.href)).not.toContain('/users');
  });
});
