import { CompileError } from '../compile-error.js';
import { compileRegex, MAX_INPUT_LENGTH } from '../regex/index.js';
import type { OperatorTable } from './table.js';

/** `matches`: the linear-time regex engine of ../regex (docs/regex.md). */
export const REGEX_OPERATORS: OperatorTable = {
  matches: (values) => {
    const regexes = values.map((pattern, index) => {
      const compiled = typeof pattern === 'string' ? compileRegex(pattern) : undefined;
      if (compiled === undefined)
        throw new CompileError('a regular expression must be a string', ['values', index]);
      if (!compiled.ok)
        throw new CompileError(`invalid regular expression: ${compiled.error}`, ['values', index]);
      return compiled.regex;
    });
    return (value) => {
      if (typeof value !== 'string' || value.length > MAX_INPUT_LENGTH) return false;
      for (let i = 0; i < regexes.length; i++) if (regexes[i]!.test(value)) return true;
      return false;
    };
  },
};
