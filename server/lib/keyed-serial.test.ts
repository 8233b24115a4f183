import { describe, expect, it } from 'vitest';
import { KeyedSerial } from './keyed-serial.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyedSerial', () => {
  it('runs one key’s work in call order, never two at once, and other keys alongside', async () => {
    const serial = new KeyedSerial<string>();
    const log: string[] = [];
    const job = (key: string, name: string) =>
      serial.run(key, async () => {
        log.push(`${name} start`);
        await tick();
        log.push(`${name} end`);
        return name;
      });
    const results = await Promise.all([job('a', 'a1'), job('a', 'a2'), job('b', 'b1')]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a1 end')).toBeLessThan(log.indexOf('a2 start'));
    expect(log.indexOf('b1 start')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('goes on after a failure, which only its own caller sees', async () => {
    const serial = new KeyedSerial<number>();
    const failed = serial.run(1, async () => {
      throw new Error('boom');
    });
    const next = serial.run(1, async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
