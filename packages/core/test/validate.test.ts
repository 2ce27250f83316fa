import { describe, expect, it } from 'vitest';
import { validateFlag, validateSegment, validateSnapshot } from '../src/validate.js';
import { booleanFlag } from './fixtures.js';

describe('validation issues', () => {
  it('name the full path of a bad condition operand in a flag rule', () => {
    const flag = booleanFlag('f', {
      rules: [
        {
          id: 'r',
          conditions: [{ attribute: 'age', operator: 'gt', values: ['ten'] }],
          serve: { variant: 'on' },
        },
      ],
    });
    expect(validateFlag(flag)).toEqual([
      { path: ['rules', 0, 'conditions', 0, 'values', 0], message: 'value must be a finite number' },
    ]);
  });

  it('name the full path of a bad condition in a segment rule', () => {
    const segment = {
      key: 's',
      rules: [{ id: 'r', conditions: [{ attribute: 'v', operator: 'semverGt', values: ['1.2'] }] }],
    };
    expect(validateSegment(segment)).toEqual([
      {
        path: ['rules', 0, 'conditions', 0, 'values', 0],
        message: 'value must be a semantic version (x.y.z)',
      },
    ]);
  });

  it('refuse unknown fields, and report unknown references with their paths', () => {
    const issues = validateSnapshot({
      version: 1,
      flags: [
        { ...booleanFlag('f'), owner: 'x' },
        booleanFlag('g', { prerequisites: [{ flag: 'ghost', variants: ['on'] }] }),
      ],
      segments: [],
    });
    expect(issues).toEqual([{ path: ['flags', 0, 'owner'], message: 'unknown field' }]);
    expect(
      validateSnapshot({
        version: 1,
        flags: [booleanFlag('g', { prerequisites: [{ flag: 'ghost', variants: ['on'] }] })],
        segments: [],
      }),
    ).toEqual([
      { path: ['flags', 0, 'prerequisites', 0, 'flag'], message: 'prerequisite flag "ghost" does not exist' },
    ]);
  });
});
