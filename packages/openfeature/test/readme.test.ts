import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, REASONS } from '../src/server.js';

const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');

describe('the README', () => {
  it('documents the mapping of every Unveil reason', () => {
    for (const [unveil, openFeature] of Object.entries(REASONS))
      expect(readme).toContain(`| \`${unveil}\` | \`${openFeature}\` |`);
  });

  it('documents the mapping of every Unveil error code', () => {
    for (const [unveil, openFeature] of Object.entries(ERROR_CODES))
      expect(readme).toContain(`| \`${openFeature}\` | \`${unveil}\` |`);
  });
});
