import { type CompiledFlag, type CompileScope, compileFlag, type ResultTagger } from './compile-flag.js';
import type { Flag, Segment, Snapshot } from './model.js';
import type { OperatorTable } from './operators/table.js';
import { findPrerequisiteProblems } from './prerequisites.js';
import { segmentResolver } from './segments.js';
import { isFlagShaped, isSegmentShaped } from './shape.js';
import { hashedTargetingKey, plainTargetingKey } from './targeting-key.js';

/** A snapshot compiled for evaluation: each flag's evaluator by key. */
export interface CompiledSnapshot {
  /** The snapshot's version (0 when it has none that is a safe integer). */
  readonly version: number;
  readonly flags: ReadonlyMap<string, CompiledFlag>;
  /**
   * Operators the snapshot's flags use (directly or through their segments) that `operators` lacked:
   * those flags answer MALFORMED_FLAG. A caller that loads operator families on demand loads these and
   * compiles again.
   */
  readonly missingOperators: ReadonlySet<string>;
}

/**
 * Compiles a snapshot with the given operators. Never throws: the snapshot may come off the wire, so a
 * flag of unsound shape answers MALFORMED_FLAG (its kill switch aside) and harms no other. Fields this
 * version does not know are fine: newer servers may add some.
 *
 * `tag`, when given, is called once per flag and variant served, and what it returns is attached to
 * every result serving that variant, under RESULT_TAG: an SDK keeps its exposure counters there, so that
 * counting an evaluation costs a property read rather than a lookup.
 */
export function compileFlags(
  snapshot: Snapshot,
  operators: OperatorTable,
  tag?: ResultTagger,
): CompiledSnapshot {
  const { version, flags, segments, keyHashSalt } = (isRecord(snapshot) ? snapshot : {}) as Partial<Snapshot>;
  const definitions = new Map<string, Flag>();
  const unsound = new Set<string>();
  for (const flag of arrayOrEmpty(flags)) {
    if (!isRecord(flag) || typeof flag.key !== 'string') continue;
    definitions.set(flag.key, flag as unknown as Flag);
    if (isFlagShaped(flag)) unsound.delete(flag.key);
    else unsound.add(flag.key);
  }
  const sound = new Map([...definitions].filter(([key]) => !unsound.has(key)));
  for (const key of findPrerequisiteProblems(sound).keys()) unsound.add(key);
  const targetingKey = typeof keyHashSalt === 'string' ? hashedTargetingKey(keyHashSalt) : plainTargetingKey;
  const missingOperators = new Set<string>();
  const missing = (operator: string) => missingOperators.add(operator);
  const compiled = new Map<string, CompiledFlag>();
  const scope: CompileScope = {
    segments: segmentResolver(arrayOrEmpty(segments).filter(isSegmentShaped) as Segment[], {
      operators,
      targetingKey,
      missing,
    }),
    prerequisite: (key) => compiled.get(key)!,
    operators,
    targetingKey,
    missing,
    tag,
  };
  for (const [key, flag] of definitions) compiled.set(key, compileFlag(flag, scope, unsound.has(key)));
  return {
    version: Number.isSafeInteger(version) ? (version as number) : 0,
    flags: compiled,
    missingOperators,
  };
}

function arrayOrEmpty(items: unknown): readonly unknown[] {
  return Array.isArray(items) ? items : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
