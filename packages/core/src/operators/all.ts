import { BASIC_OPERATORS } from './basic.js';
import { DATE_OPERATORS } from './dates.js';
import { REGEX_OPERATORS } from './regex.js';
import { SEMVER_OPERATORS } from './semver.js';
import type { OperatorTable } from './table.js';

/** Every operator: what the server and `compileSnapshot` compile with. */
export const ALL_OPERATORS: OperatorTable = {
  ...BASIC_OPERATORS,
  ...SEMVER_OPERATORS,
  ...DATE_OPERATORS,
  ...REGEX_OPERATORS,
};
