import { readdirSync, readFileSync } from 'node:fs';
import type { VectorFile } from '../../scripts/vectors/format.js';

export type { ExpectedResult, VectorCase, VectorFile, VectorSuite } from '../../scripts/vectors/format.js';

/** The fields of an expected result, in the order the replay compares them. */
export const RESULT_FIELDS = ['value', 'variant', 'reason', 'ruleId', 'errorCode'] as const;

/** Every test-vectors/*.json, parsed, in file-name order: for the core's replay and every SDK's. */
export function loadVectorFiles(): { file: string; vectors: VectorFile }[] {
  const directory = new URL('../../test-vectors/', import.meta.url);
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      vectors: JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as VectorFile,
    }));
}

export function countCases(files: readonly { vectors: VectorFile }[]): number {
  return files.reduce(
    (sum, { vectors }) => sum + vectors.suites.reduce((n, suite) => n + suite.cases.length, 0),
    0,
  );
}
