import type { Engine } from './types.js';

/**
 * The engines, in report order. Each is loaded only in the child process that measures it, so that no
 * SDK's modules, timers or heap share a process with another's.
 */
const LOADERS = {
  unveil: async () => (await import('./unveil.js')).unveil,
  'unveil-sdk': async () => (await import('./unveil-sdk.js')).unveilSdk,
  floor: async () => (await import('./floor.js')).floor,
  'floor-inplace': async () => (await import('./floor.js')).floorInPlace,
  growthbook: async () => (await import('./growthbook.js')).growthbook,
  unleash: async () => (await import('./unleash.js')).unleash,
  flagd: async () => (await import('./flagd.js')).flagd,
  launchdarkly: async () => (await import('./launchdarkly.js')).launchdarkly,
} satisfies Record<string, () => Promise<Engine>>;

export type EngineId = keyof typeof LOADERS;

export const ENGINE_IDS = Object.keys(LOADERS) as EngineId[];

export function isEngineId(id: string): id is EngineId {
  return Object.hasOwn(LOADERS, id);
}

export function loadEngine(id: EngineId): Promise<Engine> {
  return LOADERS[id]();
}
