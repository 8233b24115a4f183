import { describe, expect, it } from 'vitest';
import { Random } from '../routing/solver/random.ts';
import { advance, startMark, type OdometerFix, type OdometerMark } from './odometer.ts';
import { haversineM } from './position-filter.ts';

const M_LAT = 1 / 111_195; // degrees per metre north
const M_LON = 1 / (111_195 * Math.cos((20.67 * Math.PI) / 180));

/** A phone's fixes once a second: the true track plus independent scatter of `sigmaM` per axis (as the demo fleet sends). */
function fixes(n: number, sigmaM: number, truth: (s: number) => { north: number; kph: number }, report: { speed: boolean; accuracy: number }): OdometerFix[] {
  const rng = new Random(7);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  return Array.from({ length: n }, (_, s) => {
    const { north, kph } = truth(s);
    return {
      lat: 20.67 + (north + gauss() * sigmaM) * M_LAT,
      lon: -103.35 + gauss() * sigmaM * M_LON,
      timeMs: s * 1000,
      ...(report.speed ? { speedKph: kph } : {}),
      accuracyM: report.accuracy,
    };
  });
}

function driven(track: OdometerFix[]): { counted: number; fixToFix: number } {
  let mark: OdometerMark = startMark(track[0].lat, track[0].lon, track[0].timeMs);
  let counted = 0;
  let fixToFix = 0;
  for (let i = 1; i < track.length; i++) {
    const step = advance(mark, track[i]);
    counted += step.distanceM;
    mark = step.mark;
    fixToFix += haversineM(track[i - 1].lat, track[i - 1].lon, track[i].lat, track[i].lon);
  }
  return { counted, fixToFix };
}

const parked = () => ({ north: 0, kph: 0 });
const driving = (s: number) => ({ north: (s * 30) / 3.6, kph: 30 });

describe('the odometer behind driven kilometres', () => {
  it('adds nothing for a phone parked 10 minutes that reports standing still, however its fixes scatter', () => {
    const { counted, fixToFix } = driven(fixes(600, 9, parked, { speed: true, accuracy: 9 }));
    expect(counted).toBe(0);
    expect(fixToFix).toBeGreaterThan(5000); // what summing fix to fix made of it
  });

  it('adds next to nothing for a parked device that reports no speed', () => {
    const { counted } = driven(fixes(600, 9, parked, { speed: false, accuracy: 9 }));
    expect(counted).toBeLessThan(100);
  });

  it('counts a 2 km drive within 5 %, where summing noisy 1 s steps adds a third', () => {
    const track = fixes(241, 5, driving, { speed: true, accuracy: 5 }); // 240 s at 30 km/h = 2,000 m
    const { counted, fixToFix } = driven(track);
    expect(counted).toBeGreaterThan(1900);
    expect(counted).toBeLessThan(2100);
    expect(fixToFix).toBeGreaterThan(2300);
  });

  it('counts a drive around city blocks within 5 %, corners included', () => {
    // Eight 150 m legs, turning 90° at each corner.
    const block = (s: number) => {
      const d = Math.min(1200, (s * 30) / 3.6);
      const leg = Math.floor(d / 150);
      return { north: Math.ceil(leg / 2) * 150 + (leg % 2 === 0 ? d - leg * 150 : 0), east: Math.floor(leg / 2) * 150 + (leg % 2 === 1 ? d - leg * 150 : 0) };
    };
    const track = fixes(145, 5, (s) => ({ north: block(s).north, kph: 30 }), { speed: true, accuracy: 5 }).map((f, s) => ({ ...f, lon: f.lon + block(s).east * M_LON }));
    const { counted } = driven(track);
    expect(counted).toBeGreaterThan(1140);
    expect(counted).toBeLessThan(1260);
  });

  it('counts a drive reported without speed too, and gives its speed over ground', () => {
    const track = fixes(241, 5, driving, { speed: false, accuracy: 5 });
    const { counted } = driven(track);
    expect(counted).toBeGreaterThan(1900);
    expect(counted).toBeLessThan(2100);
    expect(advance(startMark(track[0].lat, track[0].lon, 0), track[10]).kph).toBeCloseTo(30, -1);
  });
});
