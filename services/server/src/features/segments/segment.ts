import { validateSegment } from '@unveil/core';
import { type FieldError, fieldError } from '../../errors.js';
import type { SegmentContent } from './segments-store.js';

/**
 * Segments do not nest: an `inSegment` condition inside a segment is refused, which rules out cycles
 * between segments. Everything else about a segment's meaning (operands, regexes) is checked by core's
 * validator, the same code SDKs compile with. Paths are relative to the segment.
 */
export function findSegmentProblems(key: string, content: SegmentContent): FieldError[] {
  const problems: FieldError[] = [];
  for (const [r, rule] of content.rules.entries()) {
    for (const [c, condition] of rule.conditions.entries()) {
      if (condition.operator === 'inSegment') {
        problems.push(
          fieldError(['rules', r, 'conditions', c, 'operator'], 'segments cannot contain segments'),
        );
      }
    }
  }
  if (problems.length > 0) return problems;
  const { included, excluded, rules } = content;
  return validateSegment({ key, included, excluded, rules }).map((issue) =>
    fieldError(issue.path, issue.message),
  );
}
