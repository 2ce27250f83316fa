/**
 * The hooks' types follow the default's, as the SDK's `getValue` does. Checked by the type-checker
 * (`pnpm --filter @unveil/react typecheck`); the calls never run, so no provider is needed.
 */
import type { EvaluationResult, JsonValue } from '@unveil/sdk';
import { describe, expectTypeOf, it } from 'vitest';
import { useFlag, useFlagDetail } from '../src/index.js';

describe('hook types', () => {
  it('take the type of the default, widened', () => {
    expectTypeOf(() => useFlag('a', false)).returns.toEqualTypeOf<boolean>();
    expectTypeOf(() => useFlag('a', 'blue')).returns.toEqualTypeOf<string>();
    expectTypeOf(() => useFlag('a', 10)).returns.toEqualTypeOf<number>();
    expectTypeOf(() => useFlag('a', { discountPercent: 0 })).returns.toEqualTypeOf<{
      discountPercent: number;
    }>();
    expectTypeOf(() => useFlagDetail('a', 'blue')).returns.toEqualTypeOf<EvaluationResult<string>>();
  });

  it('refuse a default that is not JSON', () => {
    // @ts-expect-error a function is no flag value
    expectTypeOf(() => useFlag('a', () => true)).returns.toEqualTypeOf<JsonValue>();
    // @ts-expect-error undefined neither: say what the component shows while there is no value
    expectTypeOf(() => useFlag('a', undefined)).returns.toEqualTypeOf<JsonValue>();
  });
});
