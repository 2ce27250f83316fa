import type { FlagType, Variant } from '@unveil/core';
import { type FieldError, fieldError } from '../../errors.js';
import { sameJson } from '../../json.js';

/** Everything about a flag that is the same in every environment. */
export interface FlagDefinition {
  key: string;
  name: string;
  description: string;
  type: FlagType;
  variants: Variant[];
  tags: string[];
  owner: string | null;
  temporary: boolean;
  clientSide: boolean;
  archived: boolean;
}

export interface FlagRecord extends FlagDefinition {
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Boolean flags created without variants get these two. */
export const DEFAULT_BOOLEAN_VARIANTS: Variant[] = [
  { key: 'on', value: true },
  { key: 'off', value: false },
];

const VALUE_CHECKS: Record<FlagType, { test: (value: unknown) => boolean; expected: string }> = {
  boolean: { test: (value) => typeof value === 'boolean', expected: 'a boolean' },
  string: { test: (value) => typeof value === 'string', expected: 'a string' },
  number: { test: (value) => typeof value === 'number', expected: 'a number' },
  json: { test: () => true, expected: 'any JSON value' },
};

/** Variant keys are unique and every value has the flag's type. Paths are relative to the definition. */
export function findVariantProblems(type: FlagType, variants: readonly Variant[]): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  variants.forEach((variant, index) => {
    if (seen.has(variant.key))
      problems.push(fieldError(['variants', index, 'key'], `duplicate variant "${variant.key}"`));
    seen.add(variant.key);
    const check = VALUE_CHECKS[type];
    if (!check.test(variant.value)) {
      problems.push(
        fieldError(['variants', index, 'value'], `a ${type} flag's variant value must be ${check.expected}`),
      );
    }
  });
  return problems;
}

/** Only these parts of a definition reach SDKs; changing any other part leaves snapshots alone. */
export function changesWhatSdksSee(before: FlagDefinition, after: FlagDefinition): boolean {
  return (
    before.archived !== after.archived ||
    before.clientSide !== after.clientSide ||
    !sameJson(before.variants, after.variants)
  );
}

export function toDefinition(record: FlagRecord): FlagDefinition {
  const { version: _version, createdAt: _createdAt, updatedAt: _updatedAt, ...definition } = record;
  return definition;
}
