import { describe, expect, it } from 'vitest';
import { useTestApp } from './support/test-app.js';

const LIMIT = 5;
const testApp = useTestApp({ adminRateLimit: LIMIT });

describe('admin API rate limit', () => {
  it('answers 429 problem+json with retry-after once an address passes the limit, keys or no keys', async () => {
    const t = testApp();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      // Wrong keys count too: guessing keys is throttled like any other request.
      const response = await t.request({
        method: 'GET',
        url: '/api/v1/environments',
        headers: { authorization: `Bearer unv_adm_guess${i}` },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual(Array(LIMIT).fill(401));
    const limited = await t.request({ method: 'GET', url: '/api/v1/environments' });
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.body).toMatchObject({ code: 'UNVEIL_ERR_HTTP_RATE_LIMITED', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
