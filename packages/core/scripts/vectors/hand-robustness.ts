/**
 * Hand-pinned: robustness of configurations (README "Evaluation order" 1–3, "Malformed flags"). A kill
 * switch works however broken the rest of the flag is; fields a newer server adds are ignored; a flag
 * that requires a malformed flag is malformed too.
 */
import type { Flag } from '../../src/index.js';
import { booleanFlag, fallthrough, type HandFile, MALFORMED, off, snapshot, stringFlag } from './hand.js';

const offWithWrongTypedVariant: Flag = booleanFlag('off-wrong-type-variant', {
  enabled: false,
  variants: [
    { key: 'on', value: 'yes' },
    { key: 'off', value: false },
  ],
});

const offWithDuplicateVariant: Flag = booleanFlag('off-duplicate-variant', {
  enabled: false,
  variants: [
    { key: 'on', value: true },
    { key: 'off', value: false },
    { key: 'on', value: false },
  ],
});

const halves = (a: number, b: number) => ({
  rollout: {
    variants: [
      { variant: 'on', weight: a },
      { variant: 'off', weight: b },
    ],
  },
});

export const robustnessFile: HandFile = {
  file: 'robustness.json',
  name: 'robustness',
  description: 'Kill switches over broken configurations, unknown fields, and malformed prerequisites.',
  suites: [
    {
      name: 'unknown fields',
      description: 'Flags carrying a field the model does not define.',
      valid: false,
      snapshot: snapshot([
        booleanFlag('unknown-field', { owner: 'team-a' } as Partial<Flag>),
        booleanFlag('off-unknown-field', { enabled: false, owner: 'team-a' } as Partial<Flag>),
      ]),
      cases: [
        {
          name: 'disabled flag with an unknown field serves off with OFF',
          flag: 'off-unknown-field',
          context: { key: 'user-1' },
          expect: off('off'),
        },
        {
          name: 'enabled flag with an unknown field evaluates normally',
          flag: 'unknown-field',
          context: { key: 'user-1' },
          expect: fallthrough('on'),
        },
      ],
    },
    {
      name: 'kill switch over malformed weights',
      description: 'Disabled flags whose rollout weights are not integers 0…100000.',
      valid: false,
      snapshot: snapshot([
        booleanFlag('off-weight-fraction', { enabled: false, fallthrough: halves(49_999.5, 50_000.5) }),
        booleanFlag('off-weight-negative', { enabled: false, fallthrough: halves(100_001, -1) }),
      ]),
      cases: [
        {
          name: 'disabled flag with fractional weights serves off with OFF',
          flag: 'off-weight-fraction',
          context: { key: 'user-1' },
          expect: off('off'),
        },
        {
          name: 'disabled flag with a negative weight serves off with OFF',
          flag: 'off-weight-negative',
          context: { key: 'user-1' },
          expect: off('off'),
        },
      ],
    },
    {
      name: 'kill switch over malformed variants',
      description: 'Disabled flags whose non-off variants are malformed.',
      valid: false,
      snapshot: snapshot([offWithWrongTypedVariant, offWithDuplicateVariant]),
      cases: [
        {
          name: 'disabled boolean flag with a string-valued `on` variant serves off (false) with OFF',
          flag: 'off-wrong-type-variant',
          context: { key: 'user-1' },
          expect: off('off'),
        },
        {
          name: 'disabled flag with a repeated (non-off) variant key serves off (false) with OFF',
          flag: 'off-duplicate-variant',
          context: { key: 'user-1' },
          expect: off('off'),
        },
      ],
    },
    {
      name: 'requiring a malformed flag',
      description: 'A prerequisite that is malformed for a reason other than its own prerequisites.',
      valid: false,
      snapshot: snapshot([
        booleanFlag('broken', {
          rules: [
            {
              id: 'r',
              conditions: [{ attribute: '', operator: 'inSegment', values: ['ghost'] }],
              serve: { variant: 'on' },
            },
          ],
        }),
        stringFlag('needs-broken', ['no', 'yes'], {
          prerequisites: [{ flag: 'broken', variants: ['on'] }],
          fallthrough: { variant: 'yes' },
          offVariant: 'no',
        }),
      ]),
      cases: [
        { name: 'the prerequisite itself', flag: 'broken', context: { key: 'user-1' }, expect: MALFORMED },
        {
          name: 'requires a malformed flag → MALFORMED_FLAG',
          flag: 'needs-broken',
          context: { key: 'user-1' },
          expect: MALFORMED,
        },
      ],
    },
  ],
};
