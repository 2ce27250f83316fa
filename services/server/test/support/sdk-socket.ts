import type { PatchMessage, ServerMessage } from '@unveil/core';
import WebSocket from 'ws';

/** A raw SDK connection for tests: records every frame and answers questions about them. */
export interface SdkSocket {
  readonly messages: ServerMessage[];
  /** Resolves with the first recorded message (past or future) matching `predicate`. */
  next<T extends ServerMessage>(
    predicate: (message: ServerMessage) => message is T,
    timeoutMs?: number,
  ): Promise<T>;
  next(predicate: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  send(frame: unknown): void;
  readonly socket: WebSocket;
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface ConnectOptions {
  /** Put the key in the query string (browsers) instead of the Authorization header. */
  keyInQuery?: boolean;
  /** Send hello with this version; `false` sends no hello at all. */
  hello?: { version?: number; app?: { version?: string } } | false;
}

export async function connectSdk(
  baseUrl: string,
  key: string,
  options: ConnectOptions = {},
): Promise<SdkSocket> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/sdk/v1/stream${options.keyInQuery ? `?key=${key}` : ''}`;
  const socket = new WebSocket(
    url,
    options.keyInQuery ? {} : { headers: { authorization: `Bearer ${key}` } },
  );
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as ServerMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  if (options.hello !== false) {
    socket.send(
      JSON.stringify({
        type: 'hello',
        sdk: { name: 'test', version: '0.0.0' },
        ...(options.hello?.version === undefined ? {} : { version: options.hello.version }),
        ...(options.hello?.app === undefined ? {} : { app: options.hello.app }),
      }),
    );
  }
  const next = (predicate: (message: ServerMessage) => boolean, timeoutMs = 5_000): Promise<ServerMessage> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = messages.find(predicate);
        if (found === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages.map((m) => m.type))}`,
          ),
        );
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  return {
    messages,
    next: next as SdkSocket['next'],
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    socket,
    closed,
    close: () => socket.close(),
  };
}

export const isPatch = (version?: number) => (message: ServerMessage) =>
  message.type === 'patch' && (version === undefined || message.version === version);
/** A patch that brings the client to `version` or beyond (the server folds changes that come in a burst). */
export const isPatchTo = (version: number) => (message: ServerMessage) =>
  message.type === 'patch' && message.version >= version;

/**
 * The patches a client received, checked to form one unbroken chain from `from`: each starts where the one
 * before it ended. Changes in a burst may arrive folded into one patch; none may be missing.
 */
export function patchChain(messages: readonly ServerMessage[], from: number): PatchMessage[] {
  const patches = messages.filter((message): message is PatchMessage => message.type === 'patch');
  let previous = from;
  for (const patch of patches) {
    if (patch.previousVersion !== previous || patch.version <= previous) {
      throw new Error(
        `patch ${patch.previousVersion} → ${patch.version} does not follow version ${previous}`,
      );
    }
    previous = patch.version;
  }
  return patches;
}

export const isSnapshot = (message: ServerMessage) => message.type === 'snapshot';
