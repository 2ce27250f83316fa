/**
 * Replays every case of test-vectors/*.json through the evaluator, as an SDK in another language would
 * (test-vectors/README.md): compile the suite's snapshot, evaluate each case, compare value (deep
 * equality), variant, reason, ruleId and errorCode, a field absent from `expected` standing for undefined.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BUCKETING_VERSION, compileSnapshot, type EvaluationContext } from '../src/index.js';
import { countCases, loadVectorFiles, RESULT_FIELDS } from './support/vector-files.js';

const files = loadVectorFiles();

const EXPECTED_FIELDS: ReadonlySet<string> = new Set(RESULT_FIELDS);

describe('test vectors', () => {
  it('hold at least 2,000 cases in all', () => {
    expect(files.length).toBeGreaterThan(0);
    const total = countCases(files);
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
            const differing = RESULT_FIELDS.filter(
              (field) => !isDeepStrictEqual(actual[field], expected[field]),
            );
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
