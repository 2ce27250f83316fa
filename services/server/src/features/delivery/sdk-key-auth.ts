import type { KeysService } from '../keys/keys-service.js';
import type { ViewKind } from './views.js';

/** Who an SDK connection or request speaks for. */
export interface SdkPrincipal {
  keyId: string;
  environment: string;
  view: ViewKind;
}

export type SdkAuthFailure = 'missing' | 'invalid' | 'not-sdk' | 'server-key-in-url';

export type SdkAuthResult = { ok: true; principal: SdkPrincipal } | { ok: false; failure: SdkAuthFailure };

/** Where a request carried its key. Browsers cannot set headers on a WebSocket, hence the query string. */
export interface PresentedKey {
  key: string | undefined;
  fromQuery: boolean;
}

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

export function presentedKey(authorization: string | undefined, queryKey: unknown): PresentedKey {
  const header = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (header !== undefined) return { key: header, fromQuery: false };
  return {
    key: typeof queryKey === 'string' && queryKey.length <= 512 ? queryKey : undefined,
    fromQuery: true,
  };
}

/**
 * Authenticates SDK keys. KeysService remembers each answer for a second, so SDK traffic (polling,
 * reconnect storms) costs the database one read per key per second, and a revoked key stops working
 * within that second.
 */
export class SdkKeyAuthenticator {
  constructor(private readonly keys: KeysService) {}

  async authenticate({ key, fromQuery }: PresentedKey): Promise<SdkAuthResult> {
    if (key === undefined) return { ok: false, failure: 'missing' };
    // A server key sees every rule and list: it must never travel in a URL, where logs keep it.
    if (fromQuery && key.startsWith('unv_srv_')) return { ok: false, failure: 'server-key-in-url' };
    const record = await this.keys.authenticate(key);
    if (record === undefined) return { ok: false, failure: 'invalid' };
    if (record.kind === 'admin' || record.environmentKey === null) return { ok: false, failure: 'not-sdk' };
    return {
      ok: true,
      principal: { keyId: record.id, environment: record.environmentKey, view: record.kind },
    };
  }
}
