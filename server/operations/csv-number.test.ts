import { describe, expect, it } from 'vitest';
import { parseAmount, parseCoordinate, parseDecimal } from './csv-number.ts';

describe('numbers in an accounts file', () => {
  it("reads '.' decimals and ',' thousands where '.' is the decimal mark", () => {
    expect(['1250', '1,250', '1,250.50', '-3.5', '0.75'].map((s) => parseDecimal(s, '.'))).toEqual([1250, 1250, 1250.5, -3.5, 0.75]);
    expect(['20,67', '1.250,50', '1,25', '12abc', '1.2.3', '1e30', ''].map((s) => parseDecimal(s, '.'))).toEqual([null, null, null, null, null, null, null]);
  });

  it("reads ',' decimals and '.' thousands where ',' is, and numbers a program wrote with a '.'", () => {
    expect(['20,67', '1,250', '1.250,50', '1.250', '1.250.000', '-103,35'].map((s) => parseDecimal(s, ','))).toEqual([20.67, 1.25, 1250.5, 1250, 1_250_000, -103.35]);
    expect(['20.6767', '1250.5', '1,234.50', '1.25'].map((s) => parseDecimal(s, ','))).toEqual([20.6767, 1250.5, 1234.5, 1.25]);
    expect(['1,2,3', '1.25,0.5', '12,abc', ',5'].map((s) => parseDecimal(s, ','))).toEqual([null, null, null, null]);
  });

  it('takes a "$" before an amount', () => {
    expect(parseAmount('$1,234.50', '.')).toBe(1234.5);
    expect(parseAmount('$ 1.234,50', ',')).toBe(1234.5);
  });

  it('never reads thousands in a coordinate: "-103.347" is a longitude in either kind of file', () => {
    expect(['-103.347', '-103,347', '20'].map((s) => parseCoordinate(s, ','))).toEqual([-103.347, -103.347, 20]);
    expect(['-103.347', '-103,347', '$20'].map((s) => parseCoordinate(s, '.'))).toEqual([-103.347, null, null]);
  });
});
