import { describe, expect, it } from 'vitest';
import { recordGist, rejectionWhy } from './rejected-records.ts';

describe('rejectionWhy', () => {
  it('words a code with what it names, in the page’s keys', () => {
    expect(rejectionWhy({ code: 'visit_not_found', values: { visitId: 12 }, reason: 'visit 12 does not exist' })).toEqual({ key: 'devices.rejected.why.visitNotFound', vars: { visitId: 12 } });
    expect(rejectionWhy({ code: 'invalid_record', values: { path: '/outcome' }, reason: '/outcome: Expected union value' })).toEqual({
      key: 'devices.rejected.why.invalidRecord',
      vars: { path: '/outcome' },
    });
    expect(rejectionWhy({ code: 'currency_mismatch', values: { currency: 'USD', accountCurrency: 'MXN' }, reason: 'x' }).vars).toEqual({ currency: 'USD', accountCurrency: 'MXN' });
  });

  it("falls back to the server's message for a record kept before codes, and for a code it does not know", () => {
    expect(rejectionWhy({ code: null, values: {}, reason: 'payload is not valid JSON' })).toEqual({ key: 'devices.rejected.why.other', vars: { message: 'payload is not valid JSON' } });
    expect(rejectionWhy({ code: 'new_in_a_later_server', values: {}, reason: 'something new' })).toEqual({ key: 'devices.rejected.why.other', vars: { message: 'something new' } });
    // A code that is an Object property is not a wording.
    expect(rejectionWhy({ code: 'toString', values: {}, reason: 'odd' }).key).toBe('devices.rejected.why.other');
  });
});

describe('recordGist', () => {
  it("reads a payment's money and visit, and a check-in's outcome", () => {
    expect(recordGist({ kind: 'payment', payload: '{"id":"a","visitId":7,"amount":150.5,"currency":"MXN","method":"cash"}' })).toEqual({
      visitId: 7,
      amount: { value: 150.5, currency: 'MXN' },
      outcome: null,
    });
    expect(recordGist({ kind: 'checkin', payload: '{"visitId":3,"outcome":"absent"}' })).toEqual({ visitId: 3, amount: null, outcome: 'absent' });
  });

  it('reads nothing it cannot trust: bad JSON, not an object, an amount without a currency code', () => {
    const nothing = { visitId: null, amount: null, outcome: null };
    expect(recordGist({ kind: 'payment', payload: '{oops' })).toEqual(nothing);
    expect(recordGist({ kind: 'payment', payload: '[1,2]' })).toEqual(nothing);
    expect(recordGist({ kind: 'payment', payload: 'null' })).toEqual(nothing);
    expect(recordGist({ kind: 'payment', payload: '{"visitId":"7","amount":"10","currency":"pesos"}' })).toEqual(nothing);
  });
});
