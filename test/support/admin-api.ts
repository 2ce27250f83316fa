/** A JSON response of the admin API. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely and assert on them.
  body: any;
}

/** A flag configuration as `PUT /api/v1/environments/:env/flags/:flag` takes it. */
export interface FlagConfigBody {
  enabled: boolean;
  offVariant: string;
  fallthrough: { variant: string } | { rollout: unknown };
  targets?: { variant: string; keys: string[] }[];
  rules?: unknown[];
  prerequisites?: unknown[];
}

/** The few admin-API calls the end-to-end tests need, over real HTTP, as the bootstrap admin. */
export class AdminApi {
  constructor(
    readonly url: string,
    readonly adminKey: string,
  ) {}

  /** One request; the body is JSON in and out. Never throws for an HTTP status: the caller asserts. */
  async request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        'x-unveil-reason': 'e2e test',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (e.g. /metrics): keep the text.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** A request that must answer `expected`; otherwise throws with what it got. */
  async expect(expected: number, method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const response = await this.request(method, path, body);
    if (response.status !== expected)
      throw new Error(
        `${method} ${path}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body)}`,
      );
    return response;
  }

  async createEnvironment(key: string): Promise<void> {
    await this.expect(201, 'POST', '/api/v1/environments', { key, name: key });
  }

  /** A flag (boolean unless `type` and `variants` say otherwise); it starts switched off everywhere. */
  async createFlag(
    key: string,
    definition: { type?: string; variants?: { key: string; value: unknown }[]; clientSide?: boolean } = {},
  ): Promise<void> {
    await this.expect(201, 'POST', '/api/v1/flags', { key, name: key, type: 'boolean', ...definition });
  }

  async putConfig(environment: string, flag: string, config: FlagConfigBody): Promise<void> {
    await this.expect(200, 'PUT', `/api/v1/environments/${environment}/flags/${flag}`, config);
  }

  /** Serves one variant to everyone (the flag switched on). */
  async serve(environment: string, flag: string, variant: string, offVariant = variant): Promise<void> {
    await this.putConfig(environment, flag, { enabled: true, offVariant, fallthrough: { variant } });
  }

  /** Creates an SDK key: the key itself (shown only in this response) and its id (to revoke it). */
  async createSdkKey(
    kind: 'server' | 'client',
    environment: string,
    name: string,
  ): Promise<{ key: string; id: string }> {
    const response = await this.expect(201, 'POST', '/api/v1/keys', { kind, name, environment });
    return { key: response.body.key as string, id: response.body.id as string };
  }

  async revokeKey(id: string): Promise<void> {
    await this.expect(200, 'POST', `/api/v1/keys/${id}/revoke`, {});
  }

  /** The environment's snapshot version: what SDKs should converge to. */
  async snapshotVersion(environment: string): Promise<number> {
    const response = await this.expect(200, 'GET', `/api/v1/environments/${environment}`);
    return response.body.snapshotVersion as number;
  }

  /** `GET /api/v1/environments/:env/delivery`: delivery proof and connected SDKs (this instance). */
  async delivery(environment: string): Promise<DeliveryReport> {
    return (await this.expect(200, 'GET', `/api/v1/environments/${environment}/delivery`)).body;
  }
}

export interface DeliveryReport {
  environment: string;
  version: number;
  versions: { version: number; audience: number; applied: number; summary: string }[];
  sdks: { connected: number; bySdk: { sdk: string; version: string; count: number }[] };
}

/** What every test file starts from: one environment, its SDK keys, and flags that tests switch. */
export interface Seeded {
  environment: string;
  serverKey: string;
  clientKey: string;
}

/**
 * An environment with a server and a client key, and the given flags (each created switched off; boolean
 * unless told otherwise).
 */
export async function seed(
  admin: AdminApi,
  flags: Record<string, Parameters<AdminApi['createFlag']>[1]> = {},
  environment = 'e2e',
): Promise<Seeded> {
  await admin.createEnvironment(environment);
  for (const [key, definition] of Object.entries(flags)) await admin.createFlag(key, definition);
  return {
    environment,
    serverKey: (await admin.createSdkKey('server', environment, `${environment}-server`)).key,
    clientKey: (await admin.createSdkKey('client', environment, `${environment}-client`)).key,
  };
}
