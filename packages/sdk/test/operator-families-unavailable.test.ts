/** What a client does when an operator family cannot be loaded (a chunk that fails to download). */
import { expect, it, vi } from 'vitest';
import type { UnveilError } from '../src/errors.js';
import { createClient } from '../src/index.js';
import { flag, snapshot } from './helpers.js';

vi.mock('../../core/src/operators/regex.js', () => {
  throw new Error('chunk failed to load');
});

it('serves everything else, answers MALFORMED_FLAG for the flags that need it, and reports the failure', async () => {
  const errors: UnveilError[] = [];
  const client = createClient({
    url: 'http://unused.invalid',
    sdkKey: 'unv_cli_test',
    offline: true,
    cache: false,
    onError: (error) => errors.push(error),
    bootstrap: snapshot(1, [
      flag('plain'),
      flag('by-email', {
        rules: [
          {
            id: 'r',
            conditions: [{ attribute: 'email', operator: 'matches', values: ['@example\\.com$'] }],
            serve: { variant: 'off' },
          },
        ],
      }),
    ]),
  });
  expect(await client.ready()).toBe('ready');
  expect(client.isEnabled('plain')).toBe(true);
  expect(client.getDetail('by-email', true, { email: 'ann@example.com' })).toMatchObject({
    value: true,
    reason: 'ERROR',
    errorCode: 'MALFORMED_FLAG',
  });
  expect(errors.map((error) => error.code)).toEqual(['UNVEIL_ERR_SDK_LOAD']);
  await client.close();
});
