/**
 * Writes test-vectors/*.json: the cases every SDK must reproduce (format: test-vectors/README.md).
 *
 *   pnpm --filter @unveil/core vectors        (tsx scripts/generate-vectors.ts)
 *
 * Hand-pinned suites (scripts/vectors/hand-*.ts) carry expectations written from the README; rollout
 * expectations come from the reference murmurhash package. Every case is evaluated, after a round trip
 * through the JSON text that will be written, with the real evaluator; if any result differs from its
 * hand expectation the run lists the cases, exits non-zero and writes nothing. Generated suites
 * (scripts/vectors/generated.ts) are random valid snapshots whose results are recorded as regression pins.
 * Known disagreements (scripts/vectors/hand-disagreements.ts) are evaluated and reported, never written.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  BUCKETING_VERSION,
  compileSnapshot,
  type EvaluationContext,
  type EvaluationResult,
  type Flag,
  type JsonValue,
  type Snapshot,
  validateSnapshot,
} from '../src/index.js';
import {
  type ExpectedResult,
  SPEC_VERSION,
  toJsonText,
  type VectorCase,
  type VectorFile,
  type VectorSuite,
} from './vectors/format.js';
import { type GeneratedDraft, generatedDrafts } from './vectors/generated.js';
import type { HandCase, HandFile, HandSuite } from './vectors/hand.js';
import { contextsFile } from './vectors/hand-contexts.js';
import { disagreements } from './vectors/hand-disagreements.js';
import { malformedFile } from './vectors/hand-malformed.js';
import { operatorsFile } from './vectors/hand-operators.js';
import { prerequisitesFile } from './vectors/hand-prerequisites.js';
import { robustnessFile } from './vectors/hand-robustness.js';
import { rolloutsFile } from './vectors/hand-rollouts.js';
import { targetingFile } from './vectors/hand-targeting.js';
import { referenceSplit, rolloutOf } from './vectors/reference.js';

const OUT_DIR = new URL('../test-vectors/', import.meta.url);
const HAND_FILES: HandFile[] = [
  operatorsFile,
  contextsFile,
  targetingFile,
  prerequisitesFile,
  malformedFile,
  rolloutsFile,
  robustnessFile,
];
const GENERATED_SUITES = 16;
const GENERATED_SUITES_PER_FILE = 8;
const GENERATED_SEED = 20_261_122;
const MIN_CASES = 2_000;
const MAX_FILE_BYTES = 1_000_000;

type FlagResult = EvaluationResult<JsonValue | undefined>;

/** Problems that fail the run. */
const problems: string[] = [];

function main(): void {
  const outputs: { file: string; content: VectorFile }[] = [];
  for (const hand of HAND_FILES) {
    outputs.push({
      file: hand.file,
      content: header(
        hand.name,
        hand.description,
        hand.suites.map((suite) => handSuite(suite, hand.file)),
      ),
    });
  }
  const generated = generatedDrafts(GENERATED_SUITES, GENERATED_SEED).map(generatedSuite);
  for (let i = 0; i * GENERATED_SUITES_PER_FILE < generated.length; i++) {
    const suites = generated.slice(i * GENERATED_SUITES_PER_FILE, (i + 1) * GENERATED_SUITES_PER_FILE);
    outputs.push({
      file: `generated-${i + 1}.json`,
      content: header(
        `generated-${i + 1}`,
        'Generated: random valid snapshots and contexts; expected results recorded from the evaluator as regression pins (not hand-checked). Cases are every flag × every context of a suite.',
        suites,
      ),
    });
  }

  reportDisagreements();

  const total = outputs.reduce((sum, { content }) => sum + caseCount(content), 0);
  if (total < MIN_CASES) problems.push(`only ${total} cases; at least ${MIN_CASES} are required`);
  const texts = outputs.map(({ file, content }) => ({ file, text: toJsonText(content), content }));
  for (const { file, text } of texts) {
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_FILE_BYTES)
      problems.push(`${file} is ${bytes} bytes; keep each file under ${MAX_FILE_BYTES}`);
  }

  if (problems.length > 0) {
    console.error(`\n✗ ${problems.length} problem(s); no file written:\n`);
    for (const problem of problems) console.error(`  - ${problem}\n`);
    process.exitCode = 1;
    return;
  }

  for (const { file, text } of texts) writeFileSync(new URL(file, OUT_DIR), text);
  const written = new Set(texts.map(({ file }) => file));
  const stale = readdirSync(OUT_DIR).filter((file) => file.endsWith('.json') && !written.has(file));
  for (const file of stale)
    console.warn(`! test-vectors/${file} was not produced by this run; delete it if it is stale`);

  const reasons = new Map<string, number>();
  for (const { file, text, content } of texts) {
    console.log(
      `wrote test-vectors/${file}: ${content.suites.length} suites, ${caseCount(content)} cases, ${Buffer.byteLength(text)} bytes`,
    );
    for (const suite of content.suites)
      for (const { expected } of suite.cases) {
        const reason = expected.errorCode ? `ERROR/${expected.errorCode}` : expected.reason;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
  }
  console.log(`total: ${total} cases`);
  console.log(`by reason: ${[...reasons].map(([reason, n]) => `${reason} ${n}`).join(', ')}`);
}

function header(name: string, description: string, suites: VectorSuite[]): VectorFile {
  return { specVersion: SPEC_VERSION, bucketingVersion: BUCKETING_VERSION, name, description, suites };
}

function caseCount(file: VectorFile): number {
  return file.suites.reduce((sum, suite) => sum + suite.cases.length, 0);
}

// ---- hand-pinned suites -------------------------------------------------------------------------------------

function expectedOf(suite: HandSuite, handCase: HandCase): ExpectedResult {
  const expect = handCase.expect;
  if (expect.reason === 'ERROR') return { reason: 'ERROR', errorCode: expect.errorCode };
  let value = expect.value;
  if (value === undefined) {
    const flag = suite.snapshot.flags.find((f) => f.key === handCase.flag);
    const variant = flag?.variants.find((v) => v.key === expect.variant);
    if (variant === undefined) {
      problems.push(
        `${suite.name} / ${handCase.name}: no variant ${expect.variant} in flag ${handCase.flag}`,
      );
      return { reason: expect.reason };
    }
    value = variant.value;
  }
  return {
    value,
    variant: expect.variant,
    reason: expect.reason,
    ...(expect.ruleId === undefined ? {} : { ruleId: expect.ruleId }),
  };
}

/**
 * The suite as it will be written, after checking every case: the hand expectation must equal the
 * evaluator's result on the round-tripped JSON, and a SPLIT expectation must name the variant that owns
 * the reference bucket.
 */
function handSuite(suite: HandSuite, file: string, report = problems): VectorSuite {
  const where = `${file} / ${suite.name}`;
  const names = new Set<string>();
  for (const { name } of suite.cases) {
    if (names.has(name)) report.push(`${where}: duplicate case name ${JSON.stringify(name)}`);
    names.add(name);
  }
  const issues = validateSnapshot(suite.snapshot);
  if (suite.valid && issues.length > 0)
    report.push(`${where}: snapshot should be valid: ${JSON.stringify(issues.slice(0, 5))}`);
  if (!suite.valid && issues.length === 0) report.push(`${where}: snapshot is marked invalid but validates`);

  const cases: VectorCase[] = suite.cases.map((handCase) => ({
    name: handCase.name,
    flag: handCase.flag,
    context: handCase.context,
    expected: expectedOf(suite, handCase),
  }));
  const written: VectorSuite = {
    name: suite.name,
    description: suite.description,
    snapshot: suite.snapshot,
    cases,
  };
  const parsed = JSON.parse(toJsonText(written)) as VectorSuite;
  const evaluator = compileSnapshot(parsed.snapshot);
  parsed.cases.forEach((parsedCase, i) => {
    const label = `${where} / ${parsedCase.name}`;
    if (parsedCase.expected.reason === 'SPLIT') {
      const bucket = splitBucket(parsed.snapshot, parsedCase, label, report);
      if (bucket) cases[i]!.bucket = parsedCase.bucket = bucket;
    }
    const actual = evaluator.evaluate(parsedCase.flag, parsedCase.context as EvaluationContext);
    const diff = differences(parsedCase.expected, actual);
    if (diff.length > 0) {
      report.push(
        `${label}\n      flag ${parsedCase.flag}, context ${JSON.stringify(parsedCase.context)}\n      expected ${JSON.stringify(parsedCase.expected)}\n      actual   ${JSON.stringify(plain(actual))}\n      differs in ${diff.join(', ')}`,
      );
    }
  });
  return written;
}

/** The bucket record of a SPLIT case, checked against its expected variant. */
function splitBucket(snapshot: Snapshot, vectorCase: VectorCase, label: string, report: string[]) {
  const flag = snapshot.flags.find((f: Flag) => f.key === vectorCase.flag);
  if (flag === undefined) {
    report.push(`${label}: SPLIT expected from a flag that does not exist`);
    return undefined;
  }
  let split: ReturnType<typeof referenceSplit>;
  try {
    split = referenceSplit(flag, rolloutOf(flag, vectorCase.expected.ruleId), vectorCase.context);
  } catch (error) {
    report.push(`${label}: ${(error as Error).message}`);
    return undefined;
  }
  if (split === undefined) {
    report.push(`${label}: SPLIT expected but the context is not bucketable`);
    return undefined;
  }
  if (split.variant !== vectorCase.expected.variant) {
    report.push(
      `${label}: reference bucket ${split.bucket} of ${JSON.stringify(split.input)} belongs to ${split.variant ?? 'no variant'}, not ${vectorCase.expected.variant}`,
    );
  }
  return { input: split.input, value: split.bucket };
}

function differences(expected: ExpectedResult, actual: FlagResult): string[] {
  const diff: string[] = [];
  if (!isDeepStrictEqual(actual.value, expected.value)) diff.push('value');
  if (actual.variant !== expected.variant) diff.push('variant');
  if (actual.reason !== expected.reason) diff.push('reason');
  if (actual.ruleId !== expected.ruleId) diff.push('ruleId');
  if (actual.errorCode !== expected.errorCode) diff.push('errorCode');
  return diff;
}

/** The written form of a result: undefined fields left out. */
function plain(result: FlagResult): ExpectedResult {
  return {
    ...(result.value === undefined ? {} : { value: result.value as JsonValue }),
    ...(result.variant === undefined ? {} : { variant: result.variant }),
    reason: result.reason,
    ...(result.ruleId === undefined ? {} : { ruleId: result.ruleId }),
    ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }),
  };
}

// ---- generated suites ---------------------------------------------------------------------------------------

function generatedSuite(draft: GeneratedDraft): VectorSuite {
  const parsed = JSON.parse(toJsonText(draft)) as GeneratedDraft;
  const issues = validateSnapshot(parsed.snapshot);
  if (issues.length > 0)
    problems.push(`${draft.name}: generated snapshot is invalid: ${JSON.stringify(issues.slice(0, 5))}`);
  const evaluator = compileSnapshot(parsed.snapshot);
  const cases = parsed.cases.map(({ flag, context }, i): VectorCase => {
    const expected = plain(evaluator.evaluate(flag, context as EvaluationContext));
    const vectorCase: VectorCase = { flag, context, expected };
    if (expected.reason === 'SPLIT') {
      const bucket = splitBucket(parsed.snapshot, vectorCase, `${draft.name} / #${i}`, problems);
      if (bucket) vectorCase.bucket = bucket;
    }
    return vectorCase;
  });
  return { name: draft.name, description: draft.description, snapshot: parsed.snapshot, cases };
}

// ---- known disagreements ------------------------------------------------------------------------------------

function reportDisagreements(): void {
  if (disagreements.length === 0) return;
  console.log(`known disagreements (scripts/vectors/hand-disagreements.ts, not written to test-vectors/):`);
  for (const { suite, readme, note } of disagreements) {
    const found: string[] = [];
    handSuite(suite, 'disagreements', found);
    const status = found.length > 0 ? 'STILL DISAGREES' : 'NOW AGREES: move it into a hand-pinned suite';
    console.log(`\n  [${status}] ${suite.name}\n    README: ${readme}\n    ${note}`);
    for (const line of found) console.log(`    - ${line}`);
  }
  console.log('');
}

main();
