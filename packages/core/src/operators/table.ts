import { CompileError } from '../compile-error.js';
import type { ConditionValue, Operator } from '../model.js';

/** Tests one attribute value that is present (neither undefined nor null) and not an array. */
export type ValueTest = (value: unknown) => boolean;

/** Compiles an operator's operands into its test; throws CompileError when an operand does not fit. */
export type OperatorCompiler = (values: readonly ConditionValue[]) => ValueTest;

/**
 * The operators a compiler knows, by name. The families apart from the basic ones (regex, semver, dates)
 * are separate tables so that a browser bundle can load them only when a snapshot uses them; a condition
 * whose operator is missing from the table makes its flag MALFORMED_FLAG.
 */
export type OperatorTable = Readonly<Partial<Record<Operator, OperatorCompiler>>>;

/**
 * The usual shape of an operator: operands converted once at compile time (an operand `convert` refuses
 * is a CompileError), then a value passes when, converted by `convertValue`, it is accepted against any
 * operand. A value `convertValue` refuses (undefined) passes nothing: no coercion between types.
 */
export function anyOperand<T>(
  expected: string,
  convert: (value: unknown) => T | undefined,
  accept: (value: T, operand: T) => boolean,
  convertValue: (value: unknown) => T | undefined = convert,
): OperatorCompiler {
  return (values) => {
    const operands = values.map((value, index) => {
      const operand = convert(value);
      if (operand === undefined) throw new CompileError(`value must be ${expected}`, ['values', index]);
      return operand;
    });
    return (value) => {
      const converted = convertValue(value);
      if (converted === undefined) return false;
      for (let i = 0; i < operands.length; i++) if (accept(converted, operands[i]!)) return true;
      return false;
    };
  };
}
