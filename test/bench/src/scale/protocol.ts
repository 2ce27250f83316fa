/**
 * What the benchmark's parent and its client processes say to each other over IPC. Times are
 * milliseconds of CLOCK_MONOTONIC (`process.hrtime`), comparable across the processes of one machine.
 */
import type { HistogramData } from './histogram.js';

/** Write `seq` carries the target key `w<seq>` and goes to flag `seq % flags`: one write per flag at a time. */
export const marker = (seq: number) => `w${seq}`;
export const MARKER_PATTERN = /"keys":\["w(\d+)"\]/g;

export type ParentCommand =
  | {
      readonly cmd: 'connect';
      /** Client i (counting from `firstClient`) connects to `urls[i % urls.length]`. */
      readonly urls: readonly string[];
      readonly firstClient: number;
      readonly count: number;
      readonly sdkKey: string;
      readonly flags: number;
      /** Handshakes in flight at once. */
      readonly concurrency: number;
    }
  /** Sent just before the PUT of `seq`. */
  | { readonly cmd: 'sending'; readonly seq: number; readonly at: number; readonly measured: boolean }
  /** Sent once the PUT of `seq` is answered: only 2xx writes count (a refused one changed nothing). */
  | { readonly cmd: 'answered'; readonly seq: number; readonly ok: boolean; readonly at: number }
  | {
      readonly cmd: 'settle';
      /** The environment's version after the last write: every client must reach it. */
      readonly finalVersion: number;
      readonly timeoutMs: number;
    }
  | { readonly cmd: 'close' };

export interface ClientResults {
  readonly clients: number;
  /** Clients holding the final version at the end. */
  readonly atFinal: number;
  /** Patches whose `previousVersion` was not the client's version (a patch lost on the way). */
  readonly gaps: number;
  /** Patches not newer than the client's version. */
  readonly reordered: number;
  /** (client, answered write) pairs the client never got: its flag's last seen write is older. */
  readonly lost: number;
  /** Connections the server closed during the run. */
  readonly dropped: number;
  readonly patches: number;
  /** From the PUT being sent to the client holding that write (or a later one of its flag). */
  readonly fromSent: HistogramData;
  /** From the PUT's answer (the commit, seen by the writer) to the same; 0 when the client was first. */
  readonly fromAnswer: HistogramData;
  /** (client, write) pairs where the client held the write before the writer had its answer. */
  readonly beforeAnswer: number;
}

export type ClientEvent =
  | { readonly event: 'ready' }
  | {
      readonly event: 'connected';
      readonly open: number;
      readonly failed: number;
      readonly firstError?: string;
    }
  | { readonly event: 'settled'; readonly results: ClientResults };
