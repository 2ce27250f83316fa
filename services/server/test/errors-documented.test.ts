import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../src/errors.js';

describe('error registry', () => {
  it('documents every code with its status in docs/errors.md, and nothing else', async () => {
    const doc = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\|\s*`(UNVEIL_ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map(
      ([, code, status]) => [code, Number(status)],
    );
    const registry = Object.entries(ERRORS).map(([code, { status }]) => [code, status]);
    expect(rows).toEqual(registry);
  });

  it('names every code UNVEIL_ERR_<AREA>_<WHAT>', () => {
    for (const code of Object.keys(ERRORS)) expect(code).toMatch(/^UNVEIL_ERR_[A-Z]+_[A-Z_]+$/);
  });
});
