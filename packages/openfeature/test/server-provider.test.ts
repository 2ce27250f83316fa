/**
 * UnveilServerProvider through `@openfeature/server-sdk`'s own API, against a real Unveil server (the
 * in-process app, over real HTTP and WebSocket): every resolution type, every reason and error code,
 * the lifecycle events, and tracking reaching the server.
 */
import { ErrorCode, OpenFeature, ProviderStatus, StandardResolutionReasons } from '@openfeature/server-sdk';
import { createClient } from '@unveil/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { type UnveilProviderOptions, UnveilServerProvider } from '../src/server.js';
import { FLAGS, useFlagsServer } from './support/flags-server.js';
import { malformedSnapshot, record, typesOf, UNREACHABLE_URL } from './support/open-feature.js';

const server = useFlagsServer();

let domains = 0;
/** Sets a provider on a domain of its own and returns that domain's OpenFeature client. */
async function connect(provider: UnveilServerProvider) {
  const domain = `unveil-${++domains}`;
  const client = OpenFeature.getClient(domain);
  const events = record(client);
  await OpenFeature.setProviderAndWait(domain, provider);
  return { client, events, domain };
}

const options = (overrides: Partial<UnveilProviderOptions> = {}): UnveilProviderOptions => ({
  url: server().url,
  sdkKey: server().serverKey,
  random: () => 0.25,
  ...overrides,
});

afterEach(async () => {
  await OpenFeature.clearProviders();
});

describe('resolution', () => {
  it('resolves booleans with the reason, variant and rule that decided', async () => {
    const { client } = await connect(new UnveilServerProvider(options()));
    const version = (await server().testApp.app.services.snapshots.getSnapshot(server().environment)).version;

    expect(await client.getBooleanDetails(FLAGS.BOOLEAN, false, { targetingKey: 'vip' })).toMatchObject({
      value: true,
      variant: 'on',
      reason: StandardResolutionReasons.TARGETING_MATCH,
      flagMetadata: { unveilReason: 'TARGET_MATCH', configVersion: version },
    });
    const byRule = await client.getBooleanDetails(FLAGS.BOOLEAN, false, { targetingKey: 'u1', plan: 'beta' });
    expect(byRule).toMatchObject({
      value: true,
      variant: 'on',
      reason: StandardResolutionReasons.TARGETING_MATCH,
      flagMetadata: { unveilReason: 'RULE_MATCH', ruleId: 'beta-rule' },
    });
    expect(byRule.errorCode).toBeUndefined();
    expect(await client.getBooleanDetails(FLAGS.BOOLEAN, true, { targetingKey: 'u1' })).toMatchObject({
      value: false,
      variant: 'off',
      reason: StandardResolutionReasons.DEFAULT,
      flagMetadata: { unveilReason: 'FALLTHROUGH' },
    });
    expect(await client.getBooleanValue(FLAGS.BOOLEAN, false, { targetingKey: 'u1', plan: 'beta' })).toBe(
      true,
    );
  });

  it('resolves strings (a split), numbers (a disabled flag) and objects (json)', async () => {
    const { client } = await connect(new UnveilServerProvider(options()));
    const colors = new Set<string>();
    for (let user = 0; user < 40; user++) {
      const detail = await client.getStringDetails(FLAGS.STRING, 'none', { targetingKey: `user-${user}` });
      expect(detail.reason).toBe(StandardResolutionReasons.SPLIT);
      expect(detail.value).toBe(detail.variant === 'blue' ? '#1d4ed8' : '#15803d');
      colors.add(detail.variant!);
    }
    // A 50/50 split over 40 users serves both variants.
    expect([...colors].sort()).toEqual(['blue', 'green']);

    expect(await client.getNumberDetails(FLAGS.NUMBER, 0, { targetingKey: 'u1' })).toMatchObject({
      value: 10,
      variant: 'small',
      reason: StandardResolutionReasons.DISABLED,
      flagMetadata: { unveilReason: 'OFF' },
    });
    expect(await client.getObjectDetails(FLAGS.JSON, { columns: 0 }, { targetingKey: 'u1' })).toMatchObject({
      value: { columns: 3 },
      variant: 'grid',
      reason: StandardResolutionReasons.DEFAULT,
    });
  });

  it('passes Date attributes as RFC 3339 strings, which the date operators compare', async () => {
    const { client } = await connect(new UnveilServerProvider(options()));
    const early = { targetingKey: 'u1', signedUpAt: new Date('2025-06-01T12:00:00Z') };
    const late = { targetingKey: 'u1', signedUpAt: new Date('2026-06-01T12:00:00Z') };
    expect(await client.getBooleanDetails(FLAGS.BOOLEAN, false, early)).toMatchObject({
      value: true,
      flagMetadata: { ruleId: 'early' },
    });
    expect(await client.getBooleanValue(FLAGS.BOOLEAN, true, late)).toBe(false);
  });

  it('evaluates a context without a targeting key rather than refusing it (no TARGETING_KEY_MISSING)', async () => {
    const { client } = await connect(new UnveilServerProvider(options()));
    // A split cannot place a context without a key: the off variant, reason DEFAULT, never an error.
    expect(await client.getStringDetails(FLAGS.STRING, 'none', { plan: 'free' })).toMatchObject({
      value: '#1d4ed8',
      variant: 'blue',
      reason: StandardResolutionReasons.DEFAULT,
      flagMetadata: { unveilReason: 'DEFAULT' },
    });
    // Rules that need no key still match.
    expect(await client.getBooleanValue(FLAGS.BOOLEAN, false, { plan: 'beta' })).toBe(true);
  });
});

describe('error codes (each with the caller’s default and reason ERROR)', () => {
  it('FLAG_NOT_FOUND for a flag the environment does not have', async () => {
    const { client } = await connect(new UnveilServerProvider(options()));
    expect(await client.getBooleanDetails('no-such-flag', true, { targetingKey: 'u1' })).toMatchObject({
      value: true,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      errorMessage: expect.stringContaining('no-such-flag'),
    });
  });

  it('TYPE_MISMATCH whenever the flag’s variants are of another type than asked for', async () => {
    const { client } = await connect(new UnveilServerProvider(options()));
    const context = { targetingKey: 'vip' };
    const mismatches = [
      await client.getBooleanDetails(FLAGS.STRING, true, context),
      await client.getStringDetails(FLAGS.BOOLEAN, 'default', context),
      await client.getNumberDetails(FLAGS.JSON, 7, context),
      await client.getObjectDetails(FLAGS.NUMBER, { fallback: true }, context),
    ];
    expect(mismatches.map((detail) => [detail.value, detail.errorCode, detail.reason])).toEqual([
      [true, ErrorCode.TYPE_MISMATCH, 'ERROR'],
      ['default', ErrorCode.TYPE_MISMATCH, 'ERROR'],
      [7, ErrorCode.TYPE_MISMATCH, 'ERROR'],
      [{ fallback: true }, ErrorCode.TYPE_MISMATCH, 'ERROR'],
    ]);
    expect(mismatches[0]?.errorMessage).toBe(`flag "${FLAGS.STRING}" is not a boolean flag`);
    // The type asked for decides, not the default's: an object read never answers a string flag.
    expect(await client.getObjectDetails(FLAGS.STRING, 'x', context)).toMatchObject({
      value: 'x',
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
  });

  it('INVALID_CONTEXT when targetingKey and key disagree, or for an invalid Date', async () => {
    const { client } = await connect(new UnveilServerProvider(options()));
    expect(
      await client.getBooleanDetails(FLAGS.BOOLEAN, false, { targetingKey: 'vip', key: 'someone-else' }),
    ).toMatchObject({ value: false, reason: 'ERROR', errorCode: ErrorCode.INVALID_CONTEXT });
    expect(
      await client.getBooleanDetails(FLAGS.BOOLEAN, false, { targetingKey: 'u1', at: new Date('nonsense') }),
    ).toMatchObject({ value: false, errorCode: ErrorCode.INVALID_CONTEXT });
    // The same key under both names is one key.
    expect(await client.getBooleanValue(FLAGS.BOOLEAN, false, { targetingKey: 'vip', key: 'vip' })).toBe(
      true,
    );
  });

  it('PARSE_ERROR for a flag whose configuration cannot be evaluated', async () => {
    const provider = new UnveilServerProvider({
      url: UNREACHABLE_URL,
      sdkKey: 'unv_srv_offline',
      offline: true,
      bootstrap: malformedSnapshot(),
    });
    const { client } = await connect(provider);
    expect(await client.getBooleanDetails('chicken', false)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: ErrorCode.PARSE_ERROR,
    });
  });

  it('GENERAL when reading the context throws', async () => {
    const provider = new UnveilServerProvider(options());
    await connect(provider);
    const hostile = {
      get plan(): string {
        throw new Error('boom');
      },
    };
    // OpenFeature's client copies the context first (and would throw itself), so ask the provider.
    const detail = await provider.resolveBooleanEvaluation(FLAGS.BOOLEAN, true, hostile);
    expect(detail).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.GENERAL });
    expect(detail.errorMessage).toContain('boom');
  });

  it('PROVIDER_NOT_READY (and an ERROR status) when nothing can be served within the ready timeout', async () => {
    const provider = new UnveilServerProvider(options({ url: UNREACHABLE_URL, readyTimeoutMs: 300 }));
    const domain = 'unveil-unreachable';
    const client = OpenFeature.getClient(domain);
    const events = record(client);
    await expect(OpenFeature.setProviderAndWait(domain, provider)).rejects.toMatchObject({
      code: ErrorCode.GENERAL,
    });
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(typesOf(events)).toEqual(['PROVIDER_ERROR']);
    expect(events[0]?.message).toContain('ready timeout');
    // OpenFeature still asks a provider in ERROR; the provider has nothing to serve yet.
    expect(await client.getBooleanDetails(FLAGS.BOOLEAN, true)).toMatchObject({
      value: true,
      errorCode: ErrorCode.PROVIDER_NOT_READY,
    });
  });

  it('PROVIDER_FATAL once the server has refused the key: initialize fails at once, not at the timeout', async () => {
    const provider = new UnveilServerProvider(
      options({ sdkKey: 'unv_srv_not-a-key', readyTimeoutMs: 20_000 }),
    );
    const domain = 'unveil-refused';
    const client = OpenFeature.getClient(domain);
    const events = record(client);
    const started = Date.now();
    await expect(OpenFeature.setProviderAndWait(domain, provider)).rejects.toMatchObject({
      code: ErrorCode.PROVIDER_FATAL,
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(client.providerStatus).toBe(ProviderStatus.FATAL);
    expect(typesOf(events)).toEqual(['PROVIDER_ERROR']);
    expect(await client.getBooleanDetails(FLAGS.BOOLEAN, true)).toMatchObject({
      value: true,
      errorCode: ErrorCode.PROVIDER_FATAL,
    });
  });
});

describe('lifecycle and events', () => {
  it('READY once initialized; CONFIGURATION_CHANGED with exactly the changed flags, values following', async () => {
    const { client, events } = await connect(new UnveilServerProvider(options()));
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    // The first configuration is part of initializing: READY alone, no change event for it.
    expect(typesOf(events)).toEqual(['PROVIDER_READY']);

    await server().configure(FLAGS.NUMBER, {
      enabled: true,
      offVariant: 'small',
      fallthrough: { variant: 'large' },
    });
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(2);
    expect(events[1]).toEqual({ type: 'PROVIDER_CONFIGURATION_CHANGED', flagsChanged: [FLAGS.NUMBER] });
    expect(await client.getNumberValue(FLAGS.NUMBER, 0)).toBe(100);

    await server().configure(FLAGS.NUMBER, {
      enabled: false,
      offVariant: 'small',
      fallthrough: { variant: 'large' },
    });
    await expect.poll(() => events.length, { timeout: 10_000 }).toBe(3);
    expect(events[2]).toEqual({ type: 'PROVIDER_CONFIGURATION_CHANGED', flagsChanged: [FLAGS.NUMBER] });
    expect(await client.getNumberValue(FLAGS.NUMBER, 0)).toBe(10);
  });

  it('closes the client it created, and only that one', async () => {
    const own = new UnveilServerProvider(options());
    await connect(own);
    const created = own.client!;
    const existing = createClient(options());
    const borrowing = new UnveilServerProvider(existing);
    const { client } = await connect(borrowing);
    expect(borrowing.client).toBe(existing);
    expect(await client.getBooleanValue(FLAGS.BOOLEAN, false, { targetingKey: 'vip' })).toBe(true);

    await OpenFeature.clearProviders();
    expect(created.state).toBe('closed');
    expect(own.client).toBeUndefined();
    expect(existing.state).toBe('ready');
    await existing.close();
  });

  it('can be initialized again after onClose, with a new client', async () => {
    const provider = new UnveilServerProvider(options());
    await provider.initialize();
    const first = provider.client!;
    await provider.onClose();
    expect(first.state).toBe('closed');
    await provider.initialize();
    expect(provider.client).not.toBe(first);
    expect(provider.client?.state).toBe('ready');
    await provider.onClose();
  });
});

describe('tracking', () => {
  it('sends track(name, context, { value }) to the server as the SDK’s track(event, value), with exposures', async () => {
    // Earlier tests' clients reported exposures too, when they closed: count from here.
    const before = await server().exposures(FLAGS.BOOLEAN);
    const { client } = await connect(new UnveilServerProvider(options()));
    client.track('openfeature-checkout', { targetingKey: 'u1' }, { value: 42, currency: 'EUR' });
    client.track('openfeature-checkout', { targetingKey: 'u2' }, { value: 8 });
    client.track('openfeature-signup', { targetingKey: 'u3' });
    for (const user of ['u1', 'u2', 'vip'])
      await client.getBooleanValue(FLAGS.BOOLEAN, false, { targetingKey: user });

    // Closing the provider closes its client, which sends what it buffered.
    await OpenFeature.clearProviders();
    const tracked = await server().tracked();
    expect(tracked.get('openfeature-checkout')).toEqual({ count: 2, valueSum: 50 });
    expect(tracked.get('openfeature-signup')).toEqual({ count: 1, valueSum: 0 });
    const after = await server().exposures(FLAGS.BOOLEAN);
    expect([(after.off ?? 0) - (before.off ?? 0), (after.on ?? 0) - (before.on ?? 0)]).toEqual([2, 1]);
  });
});
