/**
 * UnveilWebProvider through `@openfeature/web-sdk`'s own API, against a real Unveil server (the
 * in-process app) with a client key: the static context set with `OpenFeature.setContext`, every
 * resolution type, every error code, the lifecycle events, and tracking reaching the server.
 */
import { ErrorCode, OpenFeature, ProviderStatus, StandardResolutionReasons } from '@openfeature/web-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { type UnveilProviderOptions, UnveilWebProvider } from '../src/web.js';
import { FLAGS, useFlagsServer } from './support/flags-server.js';
import { malformedSnapshot, record, typesOf, UNREACHABLE_URL } from './support/open-feature.js';

const server = useFlagsServer();

let domains = 0;
/** Sets a provider, with a context, on a domain of its own; returns that domain's OpenFeature client. */
async function connect(provider: UnveilWebProvider, context: Record<string, string> = {}) {
  const domain = `unveil-web-${++domains}`;
  const client = OpenFeature.getClient(domain);
  const events = record(client);
  await OpenFeature.setProviderAndWait(domain, provider, context);
  return { client, events, domain };
}

const options = (overrides: Partial<UnveilProviderOptions> = {}): UnveilProviderOptions => ({
  url: server().url,
  sdkKey: server().clientKey,
  cache: false,
  random: () => 0.25,
  ...overrides,
});

afterEach(async () => {
  await OpenFeature.clearProviders();
});

describe('static context', () => {
  it('evaluates every type for the context OpenFeature holds, and follows setContext', async () => {
    const { client, domain, events } = await connect(new UnveilWebProvider(options()), {
      targetingKey: 'vip',
    });
    expect(client.getBooleanDetails(FLAGS.BOOLEAN, false)).toMatchObject({
      value: true,
      variant: 'on',
      reason: StandardResolutionReasons.TARGETING_MATCH,
      flagMetadata: { unveilReason: 'TARGET_MATCH' },
    });
    const split = client.getStringDetails(FLAGS.STRING, 'none');
    expect(split).toMatchObject({ reason: StandardResolutionReasons.SPLIT });
    expect(['#1d4ed8', '#15803d']).toContain(split.value);
    expect(client.getNumberDetails(FLAGS.NUMBER, 0)).toMatchObject({
      value: 10,
      variant: 'small',
      reason: StandardResolutionReasons.DISABLED,
    });
    expect(client.getObjectDetails(FLAGS.JSON, {})).toMatchObject({
      value: { columns: 3 },
      variant: 'grid',
      reason: StandardResolutionReasons.DEFAULT,
    });

    await OpenFeature.setContext(domain, { targetingKey: 'someone', plan: 'beta' });
    expect(client.getBooleanDetails(FLAGS.BOOLEAN, false)).toMatchObject({
      value: true,
      flagMetadata: { unveilReason: 'RULE_MATCH', ruleId: 'beta-rule' },
    });
    await OpenFeature.setContext(domain, { targetingKey: 'someone' });
    expect(client.getBooleanDetails(FLAGS.BOOLEAN, true)).toMatchObject({ value: false, reason: 'DEFAULT' });
    // Local evaluation has nothing to fetch for a new context: CONTEXT_CHANGED at once, no RECONCILING.
    expect(typesOf(events)).toEqual([
      'PROVIDER_READY',
      'PROVIDER_CONTEXT_CHANGED',
      'PROVIDER_CONTEXT_CHANGED',
    ]);
  });

  it('INVALID_CONTEXT after a context it cannot use (RECONCILING, PROVIDER_ERROR), never the previous user’s values', async () => {
    const { client, domain, events } = await connect(new UnveilWebProvider(options()), {
      targetingKey: 'vip',
    });
    await OpenFeature.setContext(domain, { targetingKey: 'vip', key: 'someone-else' });
    expect(typesOf(events)).toEqual(['PROVIDER_READY', 'PROVIDER_RECONCILING', 'PROVIDER_ERROR']);
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(client.getBooleanDetails(FLAGS.BOOLEAN, false)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: ErrorCode.INVALID_CONTEXT,
    });

    await OpenFeature.setContext(domain, { targetingKey: 'vip' });
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(client.getBooleanValue(FLAGS.BOOLEAN, false)).toBe(true);
    expect(typesOf(events).at(-1)).toBe('PROVIDER_CONTEXT_CHANGED');
  });
  it('starts with a context it cannot use, answering INVALID_CONTEXT until OpenFeature sets a valid one', async () => {
    const { client, domain } = await connect(new UnveilWebProvider(options()), {
      targetingKey: 'vip',
      key: 'someone-else',
    });
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(client.getBooleanDetails(FLAGS.BOOLEAN, false)).toMatchObject({
      value: false,
      errorCode: ErrorCode.INVALID_CONTEXT,
    });
    await OpenFeature.setContext(domain, { targetingKey: 'vip' });
    expect(client.getBooleanValue(FLAGS.BOOLEAN, false)).toBe(true);
  });
});

describe('error codes', () => {
  it('FLAG_NOT_FOUND for a flag the client key may not see, and for one that does not exist', async () => {
    const { client } = await connect(new UnveilWebProvider(options()), { targetingKey: 'u1' });
    for (const flag of [FLAGS.SERVER_ONLY, 'no-such-flag'])
      expect(client.getBooleanDetails(flag, true)).toMatchObject({
        value: true,
        reason: 'ERROR',
        errorCode: ErrorCode.FLAG_NOT_FOUND,
      });
  });

  it('TYPE_MISMATCH for each type asked of a flag of another', async () => {
    const { client } = await connect(new UnveilWebProvider(options()), { targetingKey: 'u1' });
    expect(
      [
        client.getBooleanDetails(FLAGS.NUMBER, true),
        client.getStringDetails(FLAGS.JSON, 's'),
        client.getNumberDetails(FLAGS.BOOLEAN, 1),
        client.getObjectDetails(FLAGS.STRING, ['fallback']),
      ].map((detail) => [detail.value, detail.errorCode]),
    ).toEqual([
      [true, ErrorCode.TYPE_MISMATCH],
      ['s', ErrorCode.TYPE_MISMATCH],
      [1, ErrorCode.TYPE_MISMATCH],
      [['fallback'], ErrorCode.TYPE_MISMATCH],
    ]);
  });

  it('PARSE_ERROR for a flag whose configuration cannot be evaluated', async () => {
    const provider = new UnveilWebProvider({
      url: UNREACHABLE_URL,
      sdkKey: 'unv_cli_offline',
      offline: true,
      bootstrap: malformedSnapshot(),
    });
    const { client } = await connect(provider);
    expect(client.getBooleanDetails('egg', true)).toMatchObject({
      value: true,
      errorCode: ErrorCode.PARSE_ERROR,
    });
  });

  it('GENERAL when reading the context throws', async () => {
    const provider = new UnveilWebProvider(options());
    await connect(provider, { targetingKey: 'vip' });
    const hostile = {
      get plan(): string {
        throw new Error('boom');
      },
    };
    // OpenFeature copies contexts before handing them over (and would throw itself): call the provider.
    await expect(provider.onContextChange({}, hostile)).rejects.toThrow('boom');
    expect(provider.resolveBooleanEvaluation(FLAGS.BOOLEAN, false)).toMatchObject({
      value: false,
      errorCode: ErrorCode.GENERAL,
    });
  });

  it('PROVIDER_NOT_READY (ERROR status) when nothing can be served within the ready timeout', async () => {
    const provider = new UnveilWebProvider(options({ url: UNREACHABLE_URL, readyTimeoutMs: 300 }));
    const client = OpenFeature.getClient('unveil-web-unreachable');
    const events = record(client);
    await expect(OpenFeature.setProviderAndWait('unveil-web-unreachable', provider)).rejects.toMatchObject({
      code: ErrorCode.GENERAL,
    });
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    expect(typesOf(events)).toEqual(['PROVIDER_ERROR']);
    expect(client.getStringDetails(FLAGS.STRING, 'grey')).toMatchObject({
      value: 'grey',
      errorCode: ErrorCode.PROVIDER_NOT_READY,
    });
  });

  it('PROVIDER_FATAL when the server refuses the key', async () => {
    const provider = new UnveilWebProvider(options({ sdkKey: 'unv_cli_not-a-key', readyTimeoutMs: 20_000 }));
    const client = OpenFeature.getClient('unveil-web-refused');
    await expect(OpenFeature.setProviderAndWait('unveil-web-refused', provider)).rejects.toMatchObject({
      code: ErrorCode.PROVIDER_FATAL,
    });
    expect(client.providerStatus).toBe(ProviderStatus.FATAL);
    expect(client.getBooleanDetails(FLAGS.BOOLEAN, true)).toMatchObject({
      errorCode: ErrorCode.PROVIDER_FATAL,
    });
  });
});

describe('events and tracking', () => {
  it('CONFIGURATION_CHANGED with the changed flag keys; the new value is served at once', async () => {
    const { client, events } = await connect(new UnveilWebProvider(options()), { targetingKey: 'u1' });
    await server().configure(FLAGS.JSON, {
      enabled: true,
      offVariant: 'list',
      fallthrough: { variant: 'list' },
    });
    await expect.poll(() => typesOf(events), { timeout: 10_000 }).toContain('PROVIDER_CONFIGURATION_CHANGED');
    expect(events).toEqual([
      { type: 'PROVIDER_READY' },
      { type: 'PROVIDER_CONFIGURATION_CHANGED', flagsChanged: [FLAGS.JSON] },
    ]);
    expect(client.getObjectValue(FLAGS.JSON, {})).toEqual({ columns: 1 });
    await server().configure(FLAGS.JSON, {
      enabled: true,
      offVariant: 'list',
      fallthrough: { variant: 'grid' },
    });
    await expect
      .poll(() => client.getObjectValue(FLAGS.JSON, {}), { timeout: 10_000 })
      .toEqual({ columns: 3 });
  });

  it('sends track(name, { value }) to the server for the current context', async () => {
    const { client } = await connect(new UnveilWebProvider(options()), { targetingKey: 'u1' });
    client.track('openfeature-web-purchase', { value: 19.5 });
    client.track('openfeature-web-purchase', { value: 0.5 });
    await OpenFeature.clearProviders();
    expect((await server().tracked()).get('openfeature-web-purchase')).toEqual({ count: 2, valueSum: 20 });
  });
});
