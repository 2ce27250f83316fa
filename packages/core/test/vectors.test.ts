/**
 * Replays every case of test-vectors/*.json through the evaluator, as an SDK in another language would
 * (test-vectors/README.md): compile the suite's snapshot, evaluate each case, compare value (deep
 * equality), variant, reason, ruleId and errorCode, a field absent from `expected` standing for undefined.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUCKETING_VERSION, compileSnapshot, type EvaluationContext, type Snapshot } from '../src/index.js';

interface Expected {
  value?: unknown;
  variant?: string;
  reason: string;
  ruleId?: string;
  errorCode?: string;
}

interface VectorCase {
  name?: string;
  flag: string;
  context: unknown;
  expected: Expected;
  bucket?: { input: string; value: number };
}

interface VectorFile {
  specVersion: number;
  bucketingVersion: number;
  name: string;
  description: string;
  suites: { name: string; description: string; snapshot: Snapshot; cases: VectorCase[] }[];
}

const directory = new URL('../test-vectors/', import.meta.url);
const files = readdirSync(directory)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    vectors: JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as VectorFile,
  }));

const EXPECTED_FIELDS = new Set(['value', 'variant', 'reason', 'ruleId', 'errorCode']);
const FIELDS = ['value', 'variant', 'reason', 'ruleId', 'errorCode'] as const;

describe('test vectors', () => {
  it('hold at least 2,000 cases in all', () => {
    expect(files.length).toBeGreaterThan(0);
    const total = files.reduce(
      (sum, { vectors }) => sum + vectors.suites.reduce((n, suite) => n + suite.cases.length, 0),
      0,
    );
    expect(total).toBeGreaterThanOrEqual(2_000);
  });

  for (const { file, vectors } of files) {
    describe(file, () => {
      it('has a supported header', () => {
        expect(vectors.specVersion).toBe(1);
        expect(vectors.bucketingVersion).toBe(BUCKETING_VERSION);
        expect(vectors.suites.length).toBeGreaterThan(0);
        expect(new Set(vectors.suites.map((suite) => suite.name)).size).toBe(vectors.suites.length);
      });

      for (const suite of vectors.suites) {
        it(`${suite.name} (${suite.cases.length} cases)`, () => {
          const evaluator = compileSnapshot(suite.snapshot);
          const failures: string[] = [];
          suite.cases.forEach((vectorCase, index) => {
            const { expected } = vectorCase;
            const unknown = Object.keys(expected).filter((field) => !EXPECTED_FIELDS.has(field));
            const actual = evaluator.evaluate(vectorCase.flag, vectorCase.context as EvaluationContext);
            const differing = FIELDS.filter((field) => !isDeepStrictEqual(actual[field], expected[field]));
            if (unknown.length > 0 || differing.length > 0) {
              failures.push(
                [
                  `#${index} ${vectorCase.name ?? ''}`,
                  `  flag ${JSON.stringify(vectorCase.flag)}, context ${JSON.stringify(vectorCase.context)}`,
                  `  expected ${JSON.stringify(expected)}`,
                  `  actual   ${JSON.stringify(actual)}`,
                  `  differs in ${[...differing, ...unknown.map((field) => `unknown field ${field}`)].join(', ')}`,
                ].join('\n'),
              );
            }
          });
          expect(
            failures,
            `${file} / ${suite.name}: ${failures.length} of ${suite.cases.length} cases differ:\n${failures.join('\n')}`,
          ).toEqual([]);
        });
      }
    });
  }
});
