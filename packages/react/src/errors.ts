/** Errors `@unveil/react` throws at the caller, by stable code. Leaf module: imports nothing of ours. */
export const REACT_ERROR_CODES = {
  /** A hook was called in a component that is not inside an `<UnveilProvider>`. */
  UNVEIL_ERR_REACT_NO_PROVIDER: 'no <UnveilProvider> above this component',
} as const;

/** One of {@link REACT_ERROR_CODES}' keys. */
export type UnveilReactErrorCode = keyof typeof REACT_ERROR_CODES;

/** A misuse of the bindings (never a flag problem: evaluations do not throw). */
export class UnveilReactError extends Error {
  override readonly name = 'UnveilReactError';
  constructor(
    readonly code: UnveilReactErrorCode,
    detail?: string,
  ) {
    super(detail === undefined ? REACT_ERROR_CODES[code] : `${REACT_ERROR_CODES[code]}: ${detail}`);
  }
}
