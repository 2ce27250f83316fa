import type { Flag, SnapshotMessage } from '@unveil/core';

/** OpenFeature event names (the same strings in both SDKs). */
export type EventName =
  | 'PROVIDER_READY'
  | 'PROVIDER_ERROR'
  | 'PROVIDER_STALE'
  | 'PROVIDER_CONFIGURATION_CHANGED'
  | 'PROVIDER_CONTEXT_CHANGED'
  | 'PROVIDER_RECONCILING';

/** What an OpenFeature client's handlers received, in order. */
export interface RecordedEvent {
  type: EventName;
  flagsChanged?: string[];
  message?: string;
}

/** The part of a server or web OpenFeature client that `record` uses. */
interface EventSource {
  addHandler(type: never, handler: (details?: { flagsChanged?: string[]; message?: string }) => void): void;
}

const ALL_EVENTS: EventName[] = [
  'PROVIDER_READY',
  'PROVIDER_ERROR',
  'PROVIDER_STALE',
  'PROVIDER_CONFIGURATION_CHANGED',
  'PROVIDER_CONTEXT_CHANGED',
  'PROVIDER_RECONCILING',
];

/** Records every provider event an OpenFeature client's handlers receive from now on. */
export function record(client: EventSource): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (const type of ALL_EVENTS)
    client.addHandler(type as never, (details) => {
      events.push({
        type,
        ...(details?.flagsChanged === undefined ? {} : { flagsChanged: details.flagsChanged }),
        ...(details?.message === undefined ? {} : { message: details.message }),
      });
    });
  return events;
}

/** The types of recorded events, in order. */
export const typesOf = (events: RecordedEvent[]): EventName[] => events.map((event) => event.type);

/**
 * A snapshot whose two flags require each other: the server refuses such a configuration, so only a
 * bootstrap (or a newer server's snapshot) can bring one; the core answers MALFORMED_FLAG for both.
 */
export function malformedSnapshot(): SnapshotMessage {
  const flag = (key: string, prerequisite: string): Flag => ({
    key,
    type: 'boolean',
    enabled: true,
    offVariant: 'off',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    fallthrough: { variant: 'on' },
    prerequisites: [{ flag: prerequisite, variants: ['on'] }],
  });
  return {
    type: 'snapshot',
    version: 1,
    flags: [flag('chicken', 'egg'), flag('egg', 'chicken')],
    segments: [],
  };
}

/** A URL where nothing listens (connections are refused at once). */
export const UNREACHABLE_URL = 'http://127.0.0.1:9';
