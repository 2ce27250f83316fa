import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { KEY_PREFIXES, type KeyKind } from './roles.js';

/** 32 random bytes: too much entropy to guess or to brute-force from the hash. */
export function generateKey(kind: KeyKind): string {
  return `${KEY_PREFIXES[kind]}${randomBytes(32).toString('base64url')}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time, so a near-miss takes as long to reject as a far miss. */
export function hashesMatch(storedHash: string, key: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const presented = Buffer.from(hashKey(key), 'hex');
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

/** Enough of the key to tell keys apart in lists and logs, far too little to use. */
export function displayPrefix(key: string): string {
  return key.slice(0, 12);
}
