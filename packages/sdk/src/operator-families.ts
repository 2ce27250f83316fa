import type { CompiledSnapshot, OperatorTable, ResultTagger, Snapshot } from '@unveil/core';
import { BASIC_OPERATORS, compileFlags } from './core.js';

type Family = () => Promise<OperatorTable>;

const regex: Family = () => import('../../core/src/operators/regex.js').then((m) => m.REGEX_OPERATORS);
const semver: Family = () => import('../../core/src/operators/semver.js').then((m) => m.SEMVER_OPERATORS);
const dates: Family = () => import('../../core/src/operators/dates.js').then((m) => m.DATE_OPERATORS);

/** The family that brings each operator beyond the basic ones. */
const FAMILIES: Readonly<Record<string, Family>> = {
  matches: regex,
  semverEq: semver,
  semverLt: semver,
  semverGt: semver,
  before: dates,
  after: dates,
};

/** Every operator loaded so far in this process or page: a family is loaded once, for all clients. */
let operators: OperatorTable = BASIC_OPERATORS;

/**
 * Compiles a snapshot with every operator it uses, its results tagged by `tag` (see `compileFlags`).
 * Synchronous when the operators it needs are loaded; otherwise loads the missing families (each its
 * own chunk in the browser build) and compiles again — until none is missing, since a flag's compiler
 * stops at its first missing operator and may meet another one once that is loaded (at most one round
 * per family). Never rejects: if a family cannot be loaded, the flags that need it answer
 * MALFORMED_FLAG (the caller's default, as for an operator the SDK does not know), `failed` is told,
 * and the next snapshot tries again.
 */
export function compileWithFamilies(
  snapshot: Snapshot,
  tag: ResultTagger,
  failed: (cause: unknown) => void,
): CompiledSnapshot | Promise<CompiledSnapshot> {
  const compiled = compileFlags(snapshot, operators, tag);
  const missing = new Set<Family>();
  for (const operator of compiled.missingOperators)
    if (Object.hasOwn(FAMILIES, operator)) missing.add(FAMILIES[operator]!);
  if (missing.size === 0) return compiled;
  return Promise.all([...missing].map((load) => load())).then(
    (tables) => {
      operators = Object.assign({}, operators, ...tables);
      return compileWithFamilies(snapshot, tag, failed);
    },
    (cause: unknown) => {
      failed(cause);
      return compiled;
    },
  );
}
