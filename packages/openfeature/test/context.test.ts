import { ErrorCode, InvalidContextError } from '@openfeature/core';
import { describe, expect, it } from 'vitest';
import { toUnveilContext } from '../src/context.js';

describe('toUnveilContext', () => {
  it('maps targetingKey to key and keeps the other attributes', () => {
    expect(
      toUnveilContext({ targetingKey: 'user-1', plan: 'pro', seats: 3, beta: true, team: null }),
    ).toEqual({
      key: 'user-1',
      plan: 'pro',
      seats: 3,
      beta: true,
      team: null,
    });
    expect(toUnveilContext({ plan: 'pro' })).toEqual({ plan: 'pro' });
    expect(toUnveilContext(undefined)).toEqual({});
  });

  it('accepts a key attribute alone, or equal to targetingKey', () => {
    expect(toUnveilContext({ key: 'user-1' })).toEqual({ key: 'user-1' });
    expect(toUnveilContext({ targetingKey: 'user-1', key: 'user-1' })).toEqual({ key: 'user-1' });
  });

  it('turns Dates into RFC 3339 strings, however deep, and copies only what holds one', () => {
    const address = { city: 'Utrecht', tags: ['a', 'b'] };
    const converted = toUnveilContext({
      signedUpAt: new Date(Date.UTC(2025, 5, 1, 12)),
      address,
      history: [{ at: new Date(Date.UTC(2024, 0, 2)) }, { at: null }],
    });
    expect(converted).toEqual({
      signedUpAt: '2025-06-01T12:00:00.000Z',
      address: { city: 'Utrecht', tags: ['a', 'b'] },
      history: [{ at: '2024-01-02T00:00:00.000Z' }, { at: null }],
    });
    expect(converted.address).toBe(address);
  });

  it.each([
    ['a targetingKey that is not a string', { targetingKey: 42 as unknown as string }],
    ['a targetingKey and a different key', { targetingKey: 'user-1', key: 'user-2' }],
    ['an invalid Date', { at: new Date(Number.NaN) }],
    ['an invalid Date inside an array', { dates: [new Date(Number.NaN)] }],
  ])('refuses %s with InvalidContextError', (_, context) => {
    expect(() => toUnveilContext(context)).toThrow(InvalidContextError);
    expect(() => toUnveilContext(context)).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_CONTEXT }),
    );
  });
});
