import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configOf,
  createRelease,
  exposedPercent,
  releaseAction,
  releaseFixture,
} from './support/releases.js';
import { connectSdk, type SdkSocket } from './support/sdk-socket.js';
import { useTestApp } from './support/test-app.js';

const testApp = useTestApp();
let baseUrl = '';
const sockets: SdkSocket[] = [];

beforeAll(async () => {
  baseUrl = await testApp().app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => {
  for (const socket of sockets) socket.close();
});

describe('deployment gate', () => {
  it('holds a stage until enough connected SDKs report the application version it needs', async () => {
    const t = testApp();
    const { env, flags } = await releaseFixture(t, 1);
    const serverKey = await t.createKey({ kind: 'server', name: `sdk-${env}`, environment: env });
    const connect = async (version: string) => {
      const socket = await connectSdk(baseUrl, serverKey, { hello: { app: { version } } });
      sockets.push(socket);
      await socket.next((message) => message.type === 'snapshot');
    };
    for (const version of ['1.9.0', '1.9.0', '2.0.1']) await connect(version);
    await t.app.services.fleet.report();

    const key = await createRelease(t, env, flags, {
      plan: [{ percent: 100, gate: { minAppVersion: '2.0.0', minShare: 50 } }],
    });
    await releaseAction(t, env, key, 'schedule');
    expect(await t.app.services.scheduler.tick()).toMatchObject({ applied: 0, waiting: 1 });
    const record = await t.request({
      method: 'GET',
      url: `/api/v1/environments/${env}/releases/${key}/record`,
    });
    expect(record.body.steps[0].note).toBe(
      'deployment gate: 1 of 3 connected SDKs run 2.0.0 or later (33.3 %, needs 50 %)',
    );

    await connect('2.1.0');
    await t.app.services.fleet.report();
    t.clock.advance(30_000);
    expect((await t.app.services.scheduler.tick()).applied).toBe(1);
    expect(exposedPercent(await configOf(t, env, flags[0]!), key)).toBe(100);
  });
});
