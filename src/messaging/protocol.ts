/**
 * The one protocol between the worker and its views (popup, panel). Views connect a port named
 * `PORT_NAME`, say `hello` with their protocol version, and receive a `snapshot` on connect and after every
 * change; they send commands over the same port. Everything is a discriminated union: no stringly-typed
 * payloads.
 *
 * Views analyze the exchanges themselves with the pure core (the same `analyze` the worker runs for the
 * badge), so the panel can merge response bodies from the DevTools network API into the same log.
 */
import type { Exchange } from '../core/model.ts';

export const PROTOCOL_VERSION = 1;
export const PORT_NAME = 'oauth-lens';

export interface CaptureSnapshot {
  /** Kept exchanges, oldest first. */
  exchanges: Exchange[];
  /** What the size cap evicted since the last clear, said rather than silently dropped. */
  evicted: { flows: number; exchanges: number };
  paused: boolean;
  /** When capture (re)started: the worker's log begins here. */
  since: number;
}

/** View → worker. */
export type ViewMessage =
  | { type: 'hello'; version: number }
  | { type: 'clear' }
  | { type: 'set-paused'; paused: boolean };

/** Worker → view. */
export type WorkerMessage =
  | { type: 'snapshot'; version: number; snapshot: CaptureSnapshot }
  | { type: 'version-mismatch'; workerVersion: number };

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

/** Narrow an incoming message; anything else is dropped by the receiver. */
export function asViewMessage(value: unknown): ViewMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value['type']) {
    case 'hello':
      return typeof value['version'] === 'number' ? { type: 'hello', version: value['version'] } : undefined;
    case 'clear':
      return { type: 'clear' };
    case 'set-paused':
      return typeof value['paused'] === 'boolean' ? { type: 'set-paused', paused: value['paused'] } : undefined;
    default:
      return undefined;
  }
}

export function asWorkerMessage(value: unknown): WorkerMessage | undefined {
  if (!isObject(value)) return undefined;
  if (value['type'] === 'snapshot' && typeof value['version'] === 'number' && isObject(value['snapshot'])) return value as unknown as WorkerMessage;
  if (value['type'] === 'version-mismatch' && typeof value['workerVersion'] === 'number') return value as unknown as WorkerMessage;
  return undefined;
}
