import { describe, expect, it } from 'vitest';
import { compileSnapshot } from '../src/evaluator.js';
import type { Flag } from '../src/model.js';
import { MAX_PREREQUISITE_DEPTH } from '../src/result.js';
import { hashTargetingKey } from '../src/targeting-key.js';
import { booleanFlag } from './fixtures.js';

const compile = (...flags: Flag[]) => compileSnapshot({ version: 7, flags, segments: [] });

/** chain-0 requires chain-1 … requires chain-(length-1), which has no prerequisite. */
function chain(length: number): Flag[] {
  return Array.from({ length }, (_, i) =>
    booleanFlag(
      `chain-${i}`,
      i + 1 < length ? { prerequisites: [{ flag: `chain-${i + 1}`, variants: ['on'] }] } : {},
    ),
  );
}

describe('prerequisites', () => {
  it('evaluates a chain up to the depth limit', () => {
    const evaluator = compile(...chain(MAX_PREREQUISITE_DEPTH + 1));
    expect(evaluator.evaluate('chain-0', { key: 'u' }).reason).toBe('FALLTHROUGH');
  });

  it('refuses a chain deeper than the limit with MALFORMED_FLAG, and the rest of it still works', () => {
    const evaluator = compile(...chain(MAX_PREREQUISITE_DEPTH + 2));
    expect(evaluator.evaluate('chain-0', { key: 'u' })).toMatchObject({
      reason: 'ERROR',
      errorCode: 'MALFORMED_FLAG',
    });
    expect(evaluator.evaluate('chain-1', { key: 'u' }).reason).toBe('FALLTHROUGH');
  });

  it('compiles a 20,000-flag chain and a 20,000-flag cycle without overflowing the stack', () => {
    const long = chain(20_000);
    expect(compile(...long).evaluate('chain-0', {}).errorCode).toBe('MALFORMED_FLAG');
    long[long.length - 1]!.prerequisites = [{ flag: 'chain-0', variants: ['on'] }];
    const cyclic = compile(...long);
    expect(cyclic.evaluate('chain-19999', {}).errorCode).toBe('MALFORMED_FLAG');
    expect(cyclic.evaluate('chain-0', {}).errorCode).toBe('MALFORMED_FLAG');
  });

  it('marks a cycle, and what depends on it, as MALFORMED_FLAG but leaves other flags alone', () => {
    const evaluator = compile(
      booleanFlag('a', { prerequisites: [{ flag: 'b', variants: ['on'] }] }),
      booleanFlag('b', { prerequisites: [{ flag: 'a', variants: ['on'] }] }),
      booleanFlag('c', { prerequisites: [{ flag: 'a', variants: ['on'] }] }),
      booleanFlag('d'),
    );
    for (const key of ['a', 'b', 'c']) expect(evaluator.evaluate(key, {}).errorCode).toBe('MALFORMED_FLAG');
    expect(evaluator.evaluate('d', {}).reason).toBe('FALLTHROUGH');
  });
});

describe('malformed flags', () => {
  it('still obey their kill switch', () => {
    const broken = booleanFlag('broken', { fallthrough: { variant: 'missing' } });
    expect(compile(broken).evaluate('broken', {}).errorCode).toBe('MALFORMED_FLAG');
    expect(compile({ ...broken, enabled: false }).evaluate('broken', {})).toMatchObject({
      reason: 'OFF',
      value: false,
    });
  });

  it('do not take other flags down, whatever their shape', () => {
    const evaluator = compileSnapshot({
      version: 1,
      flags: [{ key: 'garbage', rules: 'not a list' } as unknown as Flag, booleanFlag('fine')],
      segments: [null as never],
    });
    expect(evaluator.evaluate('garbage', {}).errorCode).toBe('MALFORMED_FLAG');
    expect(evaluator.getBoolean('fine', false, {})).toBe(true);
  });
});

describe('typed getters', () => {
  const evaluator = compile(
    booleanFlag('bool'),
    {
      key: 'colour',
      type: 'string',
      enabled: true,
      offVariant: 'red',
      variants: [{ key: 'red', value: 'red' }],
      fallthrough: { variant: 'red' },
    },
    {
      key: 'limit',
      type: 'number',
      enabled: true,
      offVariant: 'n',
      variants: [{ key: 'n', value: 3 }],
      fallthrough: { variant: 'n' },
    },
    {
      key: 'config',
      type: 'json',
      enabled: true,
      offVariant: 'v',
      variants: [{ key: 'v', value: { retries: 2 } }],
      fallthrough: { variant: 'v' },
    },
  );

  it('serve the value when the type fits', () => {
    expect(evaluator.getBoolean('bool', false, {})).toBe(true);
    expect(evaluator.getString('colour', 'blue', {})).toBe('red');
    expect(evaluator.getNumber('limit', 0, {})).toBe(3);
    expect(evaluator.getJson('config', {}, {})).toEqual({ retries: 2 });
  });

  it('serve the default with TYPE_MISMATCH when it does not, and FLAG_NOT_FOUND for unknown keys', () => {
    expect(evaluator.getString('bool', 'dflt', {})).toBe('dflt');
    expect(evaluator.getNumberDetail('colour', 9, {})).toEqual({
      value: 9,
      variant: undefined,
      reason: 'ERROR',
      ruleId: undefined,
      errorCode: 'TYPE_MISMATCH',
    });
    expect(evaluator.getBooleanDetail('nope', true, {})).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(evaluator.evaluate('nope', {})).toMatchObject({ value: undefined, errorCode: 'FLAG_NOT_FOUND' });
  });
});

describe('results', () => {
  it('are shared frozen objects, so evaluation allocates none', () => {
    const evaluator = compile(booleanFlag('f'));
    const first = evaluator.evaluate('f', { key: 'a' });
    expect(evaluator.evaluate('f', { key: 'b' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('contexts', () => {
  it('never reach Object.prototype through attribute names', () => {
    const evaluator = compile(
      booleanFlag('proto', {
        fallthrough: { variant: 'off' },
        rules: [
          {
            id: 'r',
            conditions: [{ attribute: 'constructor', operator: 'exists', values: [] }],
            serve: { variant: 'on' },
          },
        ],
      }),
    );
    expect(evaluator.getBoolean('proto', true, {})).toBe(false);
    expect(evaluator.getBoolean('proto', false, { constructor: 'x' })).toBe(true);
  });
});

describe('client-safe snapshots', () => {
  it('match hashed target and segment lists against the hashed context key', () => {
    const salt = 'env-salt';
    const flag = booleanFlag('hashed', {
      fallthrough: { variant: 'off' },
      targets: [{ variant: 'on', keys: [hashTargetingKey(salt, 'alice')] }],
      rules: [
        {
          id: 'beta',
          conditions: [{ attribute: 'key', operator: 'inSegment', values: ['beta'] }],
          serve: { variant: 'on' },
        },
      ],
    });
    const segments = [{ key: 'beta', included: [hashTargetingKey(salt, 'bob')] }];
    const hashed = compileSnapshot({ version: 1, keyHashSalt: salt, flags: [flag], segments });
    expect(hashed.evaluate('hashed', { key: 'alice' }).reason).toBe('TARGET_MATCH');
    expect(hashed.evaluate('hashed', { key: 'bob' }).ruleId).toBe('beta');
    expect(hashed.evaluate('hashed', { key: 'carol' }).reason).toBe('FALLTHROUGH');
    // Without the salt the same lists are just opaque strings: nobody's key matches them.
    const plain = compileSnapshot({ version: 1, flags: [flag], segments });
    expect(plain.evaluate('hashed', { key: 'alice' }).reason).toBe('FALLTHROUGH');
  });

  it('compare key equals/in conditions, in flags and segments, against hashed values', () => {
    const salt = 'env-salt';
    const flag = booleanFlag('by-key', {
      fallthrough: { variant: 'off' },
      rules: [
        {
          id: 'listed',
          conditions: [{ attribute: 'key', operator: 'in', values: [hashTargetingKey(salt, 'alice')] }],
          serve: { variant: 'on' },
        },
        {
          id: 'staff',
          conditions: [{ attribute: 'key', operator: 'inSegment', values: ['staff'] }],
          serve: { variant: 'on' },
        },
      ],
    });
    const segments = [
      {
        key: 'staff',
        rules: [
          {
            id: 'r',
            conditions: [
              { attribute: 'key', operator: 'equals' as const, values: [hashTargetingKey(salt, 'bob')] },
            ],
          },
        ],
      },
    ];
    const hashed = compileSnapshot({ version: 1, keyHashSalt: salt, flags: [flag], segments });
    expect(hashed.evaluate('by-key', { key: 'alice' }).ruleId).toBe('listed');
    expect(hashed.evaluate('by-key', { key: 'bob' }).ruleId).toBe('staff');
    expect(hashed.evaluate('by-key', { key: 'carol' }).reason).toBe('FALLTHROUGH');
  });

  it('hash keys to 16 hex digits that depend on the salt', () => {
    expect(hashTargetingKey('a', 'user-1')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashTargetingKey('a', 'user-1')).not.toBe(hashTargetingKey('b', 'user-1'));
  });
});
