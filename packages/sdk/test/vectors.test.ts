/**
 * Replays the core test vectors (packages/core/test-vectors/*.json) through the SDK's public API, as an
 * application would see them: one offline client per suite, bootstrapped with the suite's snapshot, and
 * `getDetail` for every case. `getDetail` is the typed, default-substituting call, so the default passed
 * is of the flag's own type, and where the vector expects ERROR (no value) the client must return that
 * default; fields absent from `expected` stand for undefined (test-vectors/README.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { BUCKETING_VERSION, type EvaluationContext, type JsonValue, type Snapshot } from '@unveil/core';
import { describe, expect, it } from 'vitest';
import { createClient } from '../src/index.js';

interface VectorCase {
  name?: string;
  flag: string;
  context: unknown;
  expected: { value?: unknown; variant?: string; reason: string; ruleId?: string; errorCode?: string };
}

interface VectorFile {
  specVersion: number;
  bucketingVersion: number;
  suites: { name: string; snapshot: Snapshot; cases: VectorCase[] }[];
}

const directory = new URL('../../core/test-vectors/', import.meta.url);
const files = readdirSync(directory)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    vectors: JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as VectorFile,
  }));

/** A default of the flag's declared type, so the typed dispatch asks for the flag's own type. */
const DEFAULTS: Record<string, JsonValue> = {
  boolean: false,
  string: '\u0000default',
  number: -12345.5,
  json: null,
};
const FIELDS = ['value', 'variant', 'reason', 'ruleId', 'errorCode'] as const;

describe('core test vectors through the SDK public API', () => {
  it('finds the vectors (at least 2,000 cases)', () => {
    const cases = files.reduce(
      (sum, { vectors }) => sum + vectors.suites.reduce((n, suite) => n + suite.cases.length, 0),
      0,
    );
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
            const differing = FIELDS.filter((field) => !isDeepStrictEqual(actual[field], expected[field]));
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
