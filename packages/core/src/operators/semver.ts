import { compareSemver, parseSemver, type Semver } from '../semver.js';
import { anyOperand, type OperatorTable } from './table.js';

const asSemver = (value: unknown) => (typeof value === 'string' ? parseSemver(value) : undefined);

const semverOperator = (accept: (order: number) => boolean) =>
  anyOperand<Semver>('a semantic version (x.y.z)', asSemver, (value, operand) =>
    accept(compareSemver(value, operand)),
  );

/** `semverEq`, `semverLt`, `semverGt`: strict SemVer 2.0.0 precedence. */
export const SEMVER_OPERATORS: OperatorTable = {
  semverEq: semverOperator((order) => order === 0),
  semverLt: semverOperator((order) => order < 0),
  semverGt: semverOperator((order) => order > 0),
};
