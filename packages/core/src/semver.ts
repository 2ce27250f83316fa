/** A parsed Semantic Version 2.0.0; build metadata is dropped because it never affects precedence. */
export interface Semver {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly (string | number)[];
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

/** Strict semver.org 2.0.0 grammar: no `v` prefix, no missing minor or patch. */
export function parseSemver(text: string): Semver | undefined {
  if (text.length > 256) return undefined;
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  const [, major, minor, patch, prerelease] = match;
  const parts = [Number(major), Number(minor), Number(patch)];
  if (!parts.every(Number.isSafeInteger)) return undefined;
  return {
    major: parts[0]!,
    minor: parts[1]!,
    patch: parts[2]!,
    prerelease: prerelease ? prerelease.split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)) : [],
  };
}

/** Precedence as semver.org §11: negative, zero or positive. */
export function compareSemver(a: Semver, b: Semver): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  // A version without pre-release identifiers outranks any with them.
  if (a.prerelease.length === 0 || b.prerelease.length === 0)
    return b.prerelease.length - a.prerelease.length;
  const n = Math.min(a.prerelease.length, b.prerelease.length);
  for (let i = 0; i < n; i++) {
    const x = a.prerelease[i]!;
    const y = b.prerelease[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1; // numeric identifiers rank below alphanumeric ones
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.prerelease.length - b.prerelease.length;
}
