import { anyOperand, type OperatorCompiler, type OperatorTable } from './table.js';

const equality: OperatorCompiler = (values) => {
  if (values.length === 1) {
    const only = values[0];
    return (value) => value === only;
  }
  const set = new Set<unknown>(values);
  return (value) => set.has(value);
};

const asString = (value: unknown) => (typeof value === 'string' ? value : undefined);

const stringOperator = (accept: (value: string, operand: string) => boolean) =>
  anyOperand('string', asString, accept);

const asFiniteNumber = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Any number but NaN is compared (±Infinity included); operands must be finite. */
const numberOperator =
  (accept: (value: number, operand: number) => boolean): OperatorCompiler =>
  (values) => {
    const compare = anyOperand('a finite number', asFiniteNumber, accept, (value) =>
      typeof value === 'number' && !Number.isNaN(value) ? value : undefined,
    )(values);
    if (values.length !== 1) return compare;
    // The common single operand, without the loop. NaN compares false with everything: no test needed.
    const operand = values[0] as number;
    return (value) => typeof value === 'number' && accept(value, operand);
  };

/** The operators every SDK bundle carries: equality, string and number comparisons. */
export const BASIC_OPERATORS: OperatorTable = {
  equals: equality,
  in: equality,
  contains: stringOperator((value, operand) => value.includes(operand)),
  startsWith: stringOperator((value, operand) => value.startsWith(operand)),
  endsWith: stringOperator((value, operand) => value.endsWith(operand)),
  lt: numberOperator((value, operand) => value < operand),
  lte: numberOperator((value, operand) => value <= operand),
  gt: numberOperator((value, operand) => value > operand),
  gte: numberOperator((value, operand) => value >= operand),
};
