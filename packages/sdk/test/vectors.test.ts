/**
 * Replays the core test vectors (packages/core/test-vectors/*.json) through the SDK's public API, as an
 * application would see them: one offline client per suite, bootstrapped with the suite's snapshot, and
 * `getDetail` for every case. `getDetail` is the typed, default-substituting call, so the default passed
 * is of the flag's own type, and where the vector expects ERROR (no value) the client must return that
 * default; fields absent from `expected` stand for undefined (test-vectors/README.md).
 */
import { isDeepStrictEqual } from 'node:util';
import { BUCKETING_VERSION, type EvaluationContext, type JsonValue } from '@unveil/core';
import { describe, expect, it } from 'vitest';
import { countCases, loadVectorFiles, RESULT_FIELDS } from '../../core/test/support/vector-files.js';
import { createClient } from '../src/index.js';

const files = loadVectorFiles();

/** A default of the flag's declared type, so the typed dispatch asks for the flag's own type. */
const DEFAULTS: Record<string, JsonValue> = {
  boolean: false,
  string: '\u0000default',
  number: -12345.5,
  json: null,
};

describe('core test vectors through the SDK public API', () => {
  it('finds the vectors (at least 2,000 cases)', () => {
    const cases = countCases(files);
    expect(cases).toBeGreaterThanOrEqual(2_000);
  });

  for (const { file, vectors } of files) {
    describe(file, () => {
      it('has a supported header', () => {
        expect(vectors.specVersion).toBe(1);
        expect(vectors.bucketingVersion).toBe(BUCKETING_VERSION);
      });

      for (const suite of vectors.suites) {
        it(`${suite.name} (${suite.cases.length} cases)`, async () => {
          const client = createClient({
            url: 'http://unused.invalid',
            sdkKey: 'unv_cli_vectors',
            bootstrap: suite.snapshot,
            streaming: false,
            offline: true,
            cache: false,
          });
          expect(await client.ready()).toBe('ready');
          const types = new Map<string, unknown>();
          for (const flag of suite.snapshot.flags as unknown[]) {
            const { key, type } = (flag ?? {}) as { key?: unknown; type?: unknown };
            if (typeof key === 'string') types.set(key, type);
          }
          const failures: string[] = [];
          suite.cases.forEach((vector, index) => {
            const type = types.get(vector.flag);
            const defaultValue = typeof type === 'string' && type in DEFAULTS ? DEFAULTS[type]! : null;
            const actual = client.getDetail(vector.flag, defaultValue, vector.context as EvaluationContext);
            const expected = { ...vector.expected };
            if (expected.reason === 'ERROR') expected.value = defaultValue;
            const differing = RESULT_FIELDS.filter(
              (field) => !isDeepStrictEqual(actual[field], expected[field]),
            );
            if (differing.length > 0)
              failures.push(
                `#${index} ${vector.name ?? ''} flag ${JSON.stringify(vector.flag)} context ${JSON.stringify(vector.context)}\n` +
                  `  expected ${JSON.stringify(expected)}\n  actual   ${JSON.stringify(actual)}`,
              );
          });
          expect(failures, `${file} / ${suite.name}:\n${failures.join('\n')}`).toEqual([]);
          await client.close();
        });
      }
    });
  }
});
