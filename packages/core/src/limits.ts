/** Limits that keep one configuration from costing unbounded memory or time to compile. */
export const LIMITS = Object.freeze({
  variants: 100,
  rules: 1_000,
  conditions: 100,
  conditionValues: 10_000,
  targetKeys: 100_000,
  segmentKeys: 1_000_000,
  stringLength: 4_096,
});
