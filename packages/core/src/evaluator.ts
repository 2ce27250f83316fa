import type { CompiledFlag, FlagResult } from './compile-flag.js';
import { compileFlags } from './compile-snapshot.js';
import type { EvaluationContext, FlagType, JsonValue, Snapshot } from './model.js';
import { ALL_OPERATORS } from './operators/all.js';
import { type EvaluationResult, errorResult } from './result.js';
import { asContext, typedDetail } from './typed-detail.js';

const FLAG_NOT_FOUND: FlagResult = errorResult('FLAG_NOT_FOUND', undefined);

/**
 * One snapshot compiled for evaluation, with every operator. Compile once per snapshot version (or
 * patch); evaluate as often as you like: evaluation never throws, never does I/O, and on the common
 * paths allocates nothing.
 */
export class Evaluator {
  readonly version: number;
  readonly #flags: ReadonlyMap<string, CompiledFlag>;

  constructor(snapshot: Snapshot) {
    const compiled = compileFlags(snapshot, ALL_OPERATORS);
    this.version = compiled.version;
    this.#flags = compiled.flags;
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
    return typedDetail(this.#flags.get(flagKey), type, defaultValue, context);
  }
}

/** Compiles a snapshot. Never throws: flags it cannot compile answer ERROR / MALFORMED_FLAG. */
export function compileSnapshot(snapshot: Snapshot): Evaluator {
  return new Evaluator(snapshot);
}
