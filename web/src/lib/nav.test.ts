import { describe, expect, it } from 'vitest';
import { navFor } from './nav.ts';

describe('navFor', () => {
  it('shows the devices page only to the roles that may manage devices', () => {
    const hrefs = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.href);
    expect(hrefs('admin')).toContain('/devices');
    expect(hrefs('supervisor')).toContain('/devices');
    for (const role of ['dispatcher', 'manager', 'collector', undefined] as const) expect(hrefs(role)).not.toContain('/devices');
  });

  it("shows the dispatch board to those who plan or review the team's day, not to collectors, whose day is the map's", () => {
    const hrefs = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.href);
    for (const role of ['admin', 'supervisor', 'dispatcher', 'manager'] as const) expect(hrefs(role)).toContain('/board');
    expect(hrefs('collector')).toEqual(['/', '/replay', '/metrics']);
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
