/**
 * Why part of a snapshot cannot be compiled. The compiler turns it into an evaluator that answers
 * ERROR / MALFORMED_FLAG for the affected flag only; the rest of the snapshot keeps working.
 */
export class CompileError extends Error {
  override readonly name = 'CompileError';
  constructor(
    message: string,
    /** Where in the flag or segment the problem is, e.g. `['rules', 2, 'conditions', 0, 'values']`. */
    readonly path: readonly (string | number)[] = [],
  ) {
    super(message);
  }
}

/** Re-throws a CompileError raised inside a nested part with the part's position in front of its path. */
export function withPathPrefix(error: unknown, ...prefix: (string | number)[]): unknown {
  return error instanceof CompileError ? new CompileError(error.message, [...prefix, ...error.path]) : error;
}

/**
 * Why a flag cannot be evaluated, found before compiling it (its shape, its prerequisites). A plain
 * record, not an Error: a long broken chain yields one per flag, and stack traces cost.
 */
export interface ConfigProblem {
  readonly message: string;
  readonly path: readonly (string | number)[];
}
