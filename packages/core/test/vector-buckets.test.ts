/**
 * Checks the bucket records of test-vectors/*.json without our hash implementation: each SPLIT case's
 * `bucket.input` must be `salt + ":" + value` for its rollout and context, `bucket.value` must be the
 * reference `murmurhash` package's v3 hash of that input mod 100000, and the expected variant must be the
 * one whose weight interval contains the bucket.
 */
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { loadVectorFiles } from './support/vector-files.js';

interface WeightedVariant {
  variant: string;
  weight: number;
}

interface Rollout {
  bucketBy?: string;
  salt?: string;
  variants: WeightedVariant[];
}

interface Serve {
  variant?: string;
  rollout?: Rollout;
}

interface Flag {
  key: string;
  rules?: { id: string; serve: Serve }[];
  fallthrough: Serve;
}

interface VectorCase {
  name?: string;
  flag: string;
  context: unknown;
  expected: { variant?: string; reason: string; ruleId?: string };
  bucket?: { input: string; value: number };
}

interface BucketFile {
  suites: { name: string; snapshot: { flags: Flag[] }; cases: VectorCase[] }[];
}

const files = loadVectorFiles() as unknown as { file: string; vectors: BucketFile }[];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A top-level own property, or an RFC 6901 pointer through plain objects. */
function read(context: unknown, attribute: string): unknown {
  if (!isObject(context)) return undefined;
  const steps = attribute.startsWith('/')
    ? attribute
        .slice(1)
        .split('/')
        .map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'))
    : [attribute];
  let current: unknown = context;
  for (const step of steps) {
    if (!isObject(current) || !Object.hasOwn(current, step)) return undefined;
    current = current[step];
  }
  return current;
}

/** A string as it is, a safe integer as its decimal digits; anything else is not bucketable. */
function bucketText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** Problems with one case's bucket record, or an empty list. */
function check(flags: Flag[], vectorCase: VectorCase): string[] {
  const { bucket, expected } = vectorCase;
  if (expected.reason !== 'SPLIT')
    return bucket === undefined ? [] : ['a bucket on a case that is not SPLIT'];
  if (bucket === undefined) return ['a SPLIT case without a bucket'];
  const problems: string[] = [];
  const hashed = murmurhash.v3(bucket.input) % 100_000;
  if (hashed !== bucket.value)
    problems.push(`murmurhash.v3(input) % 100000 is ${hashed}, not ${bucket.value}`);

  const flag = flags.find((candidate) => candidate.key === vectorCase.flag);
  if (flag === undefined) return [...problems, `no flag ${vectorCase.flag} in the snapshot`];
  const serve =
    expected.ruleId === undefined
      ? flag.fallthrough
      : flag.rules?.find((rule) => rule.id === expected.ruleId)?.serve;
  const rollout = serve?.rollout;
  if (rollout === undefined) return [...problems, `no rollout at ${expected.ruleId ?? 'the fallthrough'}`];

  const text = bucketText(read(vectorCase.context, rollout.bucketBy ?? 'key'));
  const input = text === undefined ? undefined : `${rollout.salt ?? flag.key}:${text}`;
  if (input !== bucket.input) problems.push(`input should be ${JSON.stringify(input)}`);

  let upper = 0;
  let owner: string | undefined;
  for (const { variant, weight } of rollout.variants) {
    if (bucket.value >= upper && bucket.value < upper + weight) owner = variant;
    upper += weight;
    if (owner !== undefined) break;
  }
  if (owner !== expected.variant)
    problems.push(`bucket ${bucket.value} belongs to ${owner ?? 'no variant'}, not ${expected.variant}`);
  return problems;
}

describe('test-vector buckets (reference murmurhash)', () => {
  it('records a bucket for SPLIT cases', () => {
    const buckets = files.flatMap(({ vectors }) =>
      vectors.suites.flatMap((suite) => suite.cases.filter((vectorCase) => vectorCase.bucket !== undefined)),
    );
    expect(buckets.length).toBeGreaterThan(500);
  });

  for (const { file, vectors } of files) {
    it(file, () => {
      const failures: string[] = [];
      for (const suite of vectors.suites) {
        suite.cases.forEach((vectorCase, index) => {
          const problems = check(suite.snapshot.flags, vectorCase);
          if (problems.length > 0) {
            failures.push(
              `${suite.name} #${index} ${vectorCase.name ?? ''} (flag ${vectorCase.flag}, bucket ${JSON.stringify(vectorCase.bucket)}): ${problems.join('; ')}`,
            );
          }
        });
      }
      expect(failures, `${failures.length} bucket problems:\n${failures.join('\n')}`).toEqual([]);
    });
  }
});
