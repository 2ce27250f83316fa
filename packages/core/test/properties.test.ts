import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSnapshot } from '../src/evaluator.js';
import type { Flag, Snapshot } from '../src/model.js';
import { TOTAL_WEIGHT } from '../src/model.js';
import { validateSnapshot } from '../src/validate.js';
import { context, replaceNthValue, snapshot } from './arbitraries.js';
import { rolloutFlag } from './fixtures.js';

const evaluatorOf = (...flags: Flag[]) => compileSnapshot({ version: 1, flags, segments: [] });
const userKeys = (count: number, seed: string) => Array.from({ length: count }, (_, i) => `${seed}-${i}`);

describe('rollouts', () => {
  it('ramps are monotonic: in at p % means in at every q ≥ p', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.integer({ min: 0, max: TOTAL_WEIGHT }),
        fc.integer({ min: 0, max: TOTAL_WEIGHT }),
        (key, a, b) => {
          const [p, q] = a <= b ? [a, b] : [b, a];
          const atP = evaluatorOf(rolloutFlag('ramp', p)).getBoolean('ramp', false, { key });
          const atQ = evaluatorOf(rolloutFlag('ramp', q)).getBoolean('ramp', false, { key });
          expect(!atP || atQ).toBe(true);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('serves 25 % to 100,000 random keys within ±0.5 percentage points', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), (seed) => {
        const evaluator = evaluatorOf(rolloutFlag('quarter', 25_000));
        let on = 0;
        for (const key of userKeys(100_000, seed)) if (evaluator.getBoolean('quarter', false, { key })) on++;
        expect(Math.abs(on / 1_000 - 25)).toBeLessThanOrEqual(0.5);
      }),
      { numRuns: 5 },
    );
  });

  it('gives independent cohorts to two 50 % flags with different salts (overlap ≈ 25 % ± 1)', () => {
    const evaluator = evaluatorOf(rolloutFlag('first', 50_000), rolloutFlag('second', 50_000));
    let both = 0;
    const keys = userKeys(100_000, 'overlap');
    for (const key of keys) {
      if (evaluator.getBoolean('first', false, { key }) && evaluator.getBoolean('second', false, { key }))
        both++;
    }
    expect(Math.abs((both / keys.length) * 100 - 25)).toBeLessThanOrEqual(1);
  });

  it('gives identical cohorts to flags that share a salt', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 0, max: TOTAL_WEIGHT }),
        fc.string(),
        (salt, weight, key) => {
          const evaluator = evaluatorOf(rolloutFlag('one', weight, salt), rolloutFlag('two', weight, salt));
          expect(evaluator.getBoolean('one', false, { key })).toBe(
            evaluator.getBoolean('two', false, { key }),
          );
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe('evaluation is total', () => {
  it('never throws, and never errs, for valid configurations and arbitrary JSON contexts', () => {
    let validSnapshots = 0;
    fc.assert(
      fc.property(snapshot, fc.array(context, { minLength: 1, maxLength: 5 }), (config, contexts) => {
        expect(validateSnapshot(config)).toEqual([]);
        validSnapshots++;
        const evaluator = compileSnapshot(config);
        for (const flag of config.flags) {
          for (const ctx of contexts) {
            const result = evaluator.evaluate(flag.key, ctx as never);
            expect(result.reason).not.toBe('ERROR');
            expect(flag.variants.map((variant) => variant.key)).toContain(result.variant);
          }
        }
      }),
      { numRuns: 2_000 },
    );
    expect(validSnapshots).toBe(2_000);
  });

  it('never throws on arbitrary input, valid or not', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.string(), (config, ctx, key) => {
        const evaluator = compileSnapshot(config as Snapshot);
        evaluator.evaluate(key, ctx as never);
        evaluator.getBooleanDetail(key, true, ctx as never);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on structurally plausible but broken configurations', () => {
    const mutated = snapshot.chain((config) =>
      fc.record({
        config: fc.constant(config),
        path: fc.integer({ min: 0, max: 1_000 }),
        replacement: fc.anything(),
      }),
    );
    fc.assert(
      fc.property(mutated, context, ({ config, path, replacement }, ctx) => {
        const broken = replaceNthValue(structuredClone(config), path, replacement) as Snapshot;
        const evaluator = compileSnapshot(broken);
        for (const key of evaluator.keys()) evaluator.evaluate(key, ctx as never);
        validateSnapshot(broken);
      }),
      { numRuns: 2_000 },
    );
  });
});
