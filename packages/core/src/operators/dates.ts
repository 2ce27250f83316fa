import { toEpochMillis } from '../timestamps.js';
import { anyOperand, type OperatorTable } from './table.js';

const dateOperator = (accept: (value: number, operand: number) => boolean) =>
  anyOperand('an RFC 3339 timestamp or epoch milliseconds', toEpochMillis, accept);

/** `before`, `after`: epoch milliseconds or RFC 3339 timestamps. */
export const DATE_OPERATORS: OperatorTable = {
  before: dateOperator((value, operand) => value < operand),
  after: dateOperator((value, operand) => value > operand),
};
