import { CompileError, withPathPrefix } from './compile-error.js';
import {
  type ConditionScope,
  compileConditions,
  type Predicate,
  type SegmentResolver,
} from './conditions.js';
import type { Segment } from './model.js';

/** What segments are compiled against: a condition scope without segments (audiences do not nest). */
export type SegmentScope = Omit<ConditionScope, 'segments'>;

/**
 * Membership of an audience: a context whose `key` is included is in; otherwise one whose key is excluded
 * is out; otherwise it is in when any rule's conditions all hold. Segment rules may not use `inSegment`:
 * audiences do not nest, which keeps membership one flat test with no cycles to detect.
 */
export function compileSegment(segment: Segment, scope: SegmentScope): Predicate {
  const { targetingKey } = scope;
  const included = new Set(segment.included ?? []);
  const excluded = new Set(segment.excluded ?? []);
  const conditionScope: ConditionScope = { ...scope, targetingKey, segments: refuseNestedSegments };
  const rules = (segment.rules ?? []).map((rule, index) => {
    try {
      return compileConditions(rule.conditions, conditionScope);
    } catch (error) {
      throw withPathPrefix(error, 'rules', index);
    }
  });
  const hasExclusions = excluded.size > 0;
  return (context) => {
    const key = targetingKey(context);
    if (key !== undefined) {
      if (included.has(key)) return true;
      if (hasExclusions && excluded.has(key)) return false;
    }
    for (let i = 0; i < rules.length; i++) if (rules[i]!(context)) return true;
    return false;
  };
}

const refuseNestedSegments: SegmentResolver = () => {
  throw new CompileError('segment rules cannot use inSegment', ['operator']);
};

/**
 * Resolves segment keys to compiled membership tests, compiling each segment once, on first use. A
 * missing or broken segment throws, so the flag that refers to it is reported as MALFORMED_FLAG.
 */
export function segmentResolver(segments: readonly Segment[], scope: SegmentScope): SegmentResolver {
  const definitions = new Map(segments.map((segment) => [segment.key, segment]));
  const compiled = new Map<string, Predicate | CompileError>();
  return (key) => {
    let entry = compiled.get(key);
    if (entry === undefined) {
      const definition = definitions.get(key);
      entry =
        definition === undefined
          ? new CompileError(`unknown segment ${JSON.stringify(key)}`)
          : tryCompile(definition, scope);
      compiled.set(key, entry);
    }
    if (entry instanceof CompileError) throw new CompileError(entry.message, ['values']);
    return entry;
  };
}

function tryCompile(segment: Segment, scope: SegmentScope): Predicate | CompileError {
  try {
    return compileSegment(segment, scope);
  } catch (error) {
    if (error instanceof CompileError)
      return new CompileError(`segment ${JSON.stringify(segment.key)}: ${error.message}`);
    return new CompileError(`segment ${JSON.stringify(segment.key)} is malformed`);
  }
}
