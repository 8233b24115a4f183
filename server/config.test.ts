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

describe('loadConfig: DEVICE_HOST', () => {
  it('takes a host name or a bare IP address, and is unset by default', () => {
    for (const host of ['gps.example.com', 'ronda-devices', '203.0.113.7', '2001:db8::7']) expect(loadConfig({ DEVICE_HOST: host }).DEVICE_HOST).toBe(host);
    expect(loadConfig({}).DEVICE_HOST).toBeUndefined();
  });

  it('refuses a scheme, a port or anything else at start-up, naming the variable', () => {
    const hint = 'set only the host name or IP address devices connect to (such as gps.example.com or 203.0.113.7)';
    expect(() => loadConfig({ DEVICE_HOST: 'mqtt://gps.example.com:1883' })).toThrow(`invalid configuration: DEVICE_HOST="mqtt://gps.example.com:1883": has a scheme (mqtt://); ${hint}`);
    expect(() => loadConfig({ DEVICE_HOST: 'gps.example.com:1883' })).toThrow(
      `invalid configuration: DEVICE_HOST="gps.example.com:1883": has a port (:1883); each protocol's port is its own variable (MQTT_PORT, GT06_PORT...); ${hint}`,
    );
    expect(() => loadConfig({ DEVICE_HOST: '[2001:db8::7]:1883' })).toThrow(/^invalid configuration: DEVICE_HOST=.*: has a port \(:1883\)/);
    expect(() => loadConfig({ DEVICE_HOST: 'gps.example.com/mqtt' })).toThrow(`invalid configuration: DEVICE_HOST="gps.example.com/mqtt": not a host name or IP address; ${hint}`);
  });
});
