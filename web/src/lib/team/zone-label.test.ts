import { describe, expect, it } from 'vitest';
import { zoneLabel } from './zone-label.ts';

const winter = new Date('2026-01-15T12:00:00Z');

describe('zoneLabel', () => {
  it('names a city zone with its offset that day', () => {
    expect(zoneLabel('America/Mexico_City', 'es-MX', winter)).toBe('America/Mexico City (UTC-6)');
    expect(zoneLabel('Asia/Kolkata', 'en-US', winter)).toBe('Asia/Kolkata (UTC+5:30)');
  });

  it('reads an offset-only zone the right way round: Etc/GMT-2 is two hours ahead', () => {
    expect(zoneLabel('Etc/GMT-2', 'es-MX', winter)).toBe('UTC+2');
    expect(zoneLabel('Etc/GMT+12', 'en-US', winter)).toBe('UTC-12');
    expect(zoneLabel('UTC', 'en-US', winter)).toBe('UTC');
  });

  it('leaves a zone the browser does not know as it is', () => {
    expect(zoneLabel('Mars/Olympus_Mons', 'en-US', winter)).toBe('Mars/Olympus_Mons');
  });
});
