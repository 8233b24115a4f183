import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig: DATABASE_URL', () => {
  it('takes postgres:// and postgresql:// URLs, a Unix socket one included', () => {
    for (const url of ['postgres://ronda:pw@db:5432/ronda', 'postgresql://db/ronda', 'postgresql:///ronda?host=/var/run/postgresql']) {
      expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    }
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
  });

  it('refuses another kind of URL, or no URL, naming the variable and never the password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://ronda:s3cret@db/ronda' })).toThrow(
      'DATABASE_URL must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/database), not mysql://',
    );
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL .*; the value set is not a URL$/);
    expect(() => loadConfig({ DATABASE_URL: 's3cret@db:5432' })).toThrow(/^DATABASE_URL must be/);
    try {
      loadConfig({ DATABASE_URL: 'mysql://ronda:s3cret@db/ronda' });
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cret');
    }
  });
});

describe('loadConfig: the defaults of a new team', () => {
  it('takes an IANA zone and an ISO 4217 currency, as a team created through the API must have', () => {
    expect(loadConfig({ TIME_ZONE: 'America/Bogota', CURRENCY: 'COP' })).toMatchObject({ TIME_ZONE: 'America/Bogota', CURRENCY: 'COP' });
  });

  it('refuses a misspelt zone or currency at start-up, naming the variable', () => {
    expect(() => loadConfig({ TIME_ZONE: 'America/Bogotá' })).toThrow('invalid configuration: TIME_ZONE="America/Bogotá": not an IANA time zone (such as America/Mexico_City)');
    expect(() => loadConfig({ CURRENCY: 'PESOS' })).toThrow('invalid configuration: CURRENCY="PESOS": not an ISO 4217 currency code (such as MXN, USD or COP)');
  });
});
