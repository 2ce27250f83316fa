import type { ConfigProblem } from './compile-error.js';
import { type CompiledFlag, type CompileScope, compileFlag, type FlagResult } from './compile-flag.js';
import type { EvaluationContext, Flag, FlagType, JsonValue, Segment, Snapshot } from './model.js';
import { findPrerequisiteProblems } from './prerequisites.js';
import { type ErrorCode, type EvaluationResult, errorResult } from './result.js';
import { segmentResolver } from './segments.js';
import { hashedTargetingKey, plainTargetingKey } from './targeting-key.js';
import { flagShapeIssues, segmentShapeIssues } from './validate.js';

/** Context used when a caller passes something that is not an object (null, a string, an array…). */
const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

const FLAG_NOT_FOUND: FlagResult = errorResult('FLAG_NOT_FOUND', undefined);

/**
 * One snapshot compiled for evaluation. Compile once per snapshot version (or patch); evaluate as often
 * as you like: evaluation never throws, never does I/O, and on the common paths allocates nothing.
 */
export class Evaluator {
  readonly version: number;
  readonly #flags: Map<string, CompiledFlag>;

  constructor(snapshot: Snapshot) {
    const { version, flags, segments, keyHashSalt } = (
      isRecord(snapshot) ? snapshot : {}
    ) as Partial<Snapshot>;
    this.version = Number.isSafeInteger(version) ? (version as number) : 0;
    // The snapshot may come off the wire: a flag of unsound shape answers MALFORMED_FLAG (its kill switch
    // aside) and harms no other. Fields this version does not know are fine: newer servers may add some.
    const definitions = new Map<string, Flag>();
    const problems = new Map<string, ConfigProblem>();
    for (const flag of arrayOrEmpty(flags)) {
      if (!isRecord(flag) || typeof flag.key !== 'string') continue;
      definitions.set(flag.key, flag as unknown as Flag);
      const [issue] = flagShapeIssues(flag, { allowUnknownFields: true });
      if (issue) problems.set(flag.key, issue);
      else problems.delete(flag.key);
    }
    const sound = new Map([...definitions].filter(([key]) => !problems.has(key)));
    for (const [key, problem] of findPrerequisiteProblems(sound)) problems.set(key, problem);
    const targetingKey =
      typeof keyHashSalt === 'string' ? hashedTargetingKey(keyHashSalt) : plainTargetingKey;
    const scope: CompileScope = {
      segments: segmentResolver(
        arrayOrEmpty(segments).filter(
          (segment) => segmentShapeIssues(segment, { allowUnknownFields: true }).length === 0,
        ) as Segment[],
        targetingKey,
      ),
      prerequisite: (key) => this.#flags.get(key)!,
      targetingKey,
    };
    this.#flags = new Map();
    for (const [key, flag] of definitions) this.#flags.set(key, compileFlag(flag, scope, problems.get(key)));
  }

  /** Keys of every flag in the snapshot. */
  keys(): IterableIterator<string> {
    return this.#flags.keys();
  }

  has(flagKey: string): boolean {
    return this.#flags.has(flagKey);
  }

  /** Full result; for reason ERROR the value is undefined (typed getters substitute the caller's default). */
  evaluate(flagKey: string, context: EvaluationContext): FlagResult {
    const flag = this.#flags.get(flagKey);
    if (flag === undefined) return FLAG_NOT_FOUND;
    return flag.evaluate(asContext(context));
  }

  getBoolean(flagKey: string, defaultValue: boolean, context: EvaluationContext): boolean {
    return this.#value(flagKey, 'boolean', defaultValue, context);
  }

  getString(flagKey: string, defaultValue: string, context: EvaluationContext): string {
    return this.#value(flagKey, 'string', defaultValue, context);
  }

  getNumber(flagKey: string, defaultValue: number, context: EvaluationContext): number {
    return this.#value(flagKey, 'number', defaultValue, context);
  }

  getJson<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): T {
    return this.#value(flagKey, 'json', defaultValue, context);
  }

  getBooleanDetail(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
  ): EvaluationResult<boolean> {
    return this.#detail(flagKey, 'boolean', defaultValue, context);
  }

  getStringDetail(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
  ): EvaluationResult<string> {
    return this.#detail(flagKey, 'string', defaultValue, context);
  }

  getNumberDetail(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
  ): EvaluationResult<number> {
    return this.#detail(flagKey, 'number', defaultValue, context);
  }

  getJsonDetail<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): EvaluationResult<T> {
    return this.#detail(flagKey, 'json', defaultValue, context);
  }

  /** The value when the flag has the asked type and evaluates cleanly; the caller's default otherwise. */
  #value<T>(flagKey: string, type: FlagType, defaultValue: T, context: EvaluationContext): T {
    const flag = this.#flags.get(flagKey);
    if (flag === undefined || flag.type !== type) return defaultValue;
    const result = flag.evaluate(asContext(context));
    return result.reason === 'ERROR' ? defaultValue : (result.value as T);
  }

  #detail<T>(
    flagKey: string,
    type: FlagType,
    defaultValue: T,
    context: EvaluationContext,
  ): EvaluationResult<T> {
    const flag = this.#flags.get(flagKey);
    if (flag === undefined) return errorResult('FLAG_NOT_FOUND', defaultValue);
    if (flag.type !== type) return errorResult('TYPE_MISMATCH', defaultValue);
    const result = flag.evaluate(asContext(context));
    if (result.reason === 'ERROR') return errorResult(result.errorCode as ErrorCode, defaultValue);
    return result as EvaluationResult<T>;
  }
}

/** Compiles a snapshot. Never throws: flags it cannot compile answer ERROR / MALFORMED_FLAG. */
export function compileSnapshot(snapshot: Snapshot): Evaluator {
  return new Evaluator(snapshot);
}

function asContext(context: unknown): EvaluationContext {
  return context !== null && typeof context === 'object' ? (context as EvaluationContext) : EMPTY_CONTEXT;
}

function arrayOrEmpty(items: unknown): readonly unknown[] {
  return Array.isArray(items) ? items : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
