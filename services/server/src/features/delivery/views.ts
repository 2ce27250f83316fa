import { type Condition, type Flag, hashTargetingKey, type Segment, type Snapshot } from '@unveil/core';

/** Which audience a connection belongs to: server keys see everything, client keys a client-safe view. */
export type ViewKind = 'server' | 'client';

export const VIEW_KINDS: readonly ViewKind[] = ['server', 'client'];

/**
 * What a browser may see of a snapshot: only `clientSide` flags, only the segments they use, and every
 * targeting list hashed (design.md §5: client keys never receive lists of other users' keys). The salt
 * is the environment key: the client needs it to hash its own key, so it is no secret; it only keeps one
 * table of guessed keys from serving every environment.
 */
export function clientView(snapshot: Snapshot): Snapshot {
  const salt = snapshot.environment ?? '';
  const flags = snapshot.flags.filter((flag) => flag.clientSide === true).map((flag) => hashFlag(flag, salt));
  const used = segmentsUsedBy(flags);
  return {
    ...snapshot,
    keyHashSalt: salt,
    flags,
    segments: snapshot.segments
      .filter((segment) => used.has(segment.key))
      .map((segment) => hashSegment(segment, salt)),
  };
}

function hashFlag(flag: Flag, salt: string): Flag {
  return {
    ...flag,
    ...(flag.targets === undefined
      ? {}
      : {
          targets: flag.targets.map((target) => ({
            ...target,
            keys: target.keys.map((key) => hashTargetingKey(salt, key)),
          })),
        }),
    ...(flag.rules === undefined
      ? {}
      : {
          rules: flag.rules.map((rule) => ({
            ...rule,
            conditions: hashKeyConditions(rule.conditions, salt),
          })),
        }),
  };
}

function hashSegment(segment: Segment, salt: string): Segment {
  const hashAll = (keys: string[] | undefined) => keys?.map((key) => hashTargetingKey(salt, key));
  const { included, excluded, rules, ...rest } = segment;
  const hashedIncluded = hashAll(included);
  const hashedExcluded = hashAll(excluded);
  return {
    ...rest,
    ...(hashedIncluded ? { included: hashedIncluded } : {}),
    ...(hashedExcluded ? { excluded: hashedExcluded } : {}),
    ...(rules
      ? { rules: rules.map((rule) => ({ ...rule, conditions: hashKeyConditions(rule.conditions, salt) })) }
      : {}),
  };
}

/** `key equals/in [...]` lists users as surely as a target does: hashed the same way (core's model.ts). */
function hashKeyConditions(conditions: Condition[], salt: string): Condition[] {
  return conditions.map((condition) =>
    condition.attribute === 'key' && (condition.operator === 'equals' || condition.operator === 'in')
      ? { ...condition, values: condition.values.map((value) => hashTargetingKey(salt, String(value))) }
      : condition,
  );
}

function segmentsUsedBy(flags: readonly Flag[]): Set<string> {
  const used = new Set<string>();
  for (const flag of flags) {
    for (const rule of flag.rules ?? []) {
      for (const condition of rule.conditions) {
        if (condition.operator === 'inSegment') for (const key of condition.values) used.add(String(key));
      }
    }
  }
  return used;
}
