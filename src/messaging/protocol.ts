/**
 * The one protocol between the worker and its views (popup, panel). A view connects a port named
 * `PORT_NAME` and says `hello` with its protocol version; the worker answers with a `snapshot` and sends a new
 * one after every change (the subscription). Commands are requests with an id, each answered by a `response`
 * with the same id. Everything is a discriminated union: no stringly-typed payloads.
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

/**
 * What a view can ask of the worker. `learn-endpoints`: OAuth endpoints the view saw named (the DevTools panel
 * reads discovery documents and token requests the worker cannot see), for the worker's script filter.
 */
export type Command = { type: 'clear' } | { type: 'set-paused'; paused: boolean } | { type: 'learn-endpoints'; urls: string[] };

/** At most this many URLs per `learn-endpoints`, each at most this long: a view sends a handful at a time. */
export const MAX_LEARNED_URLS = 16;
const MAX_LEARNED_URL_LENGTH = 2048;

/** View → worker. */
export type ViewMessage = { type: 'hello'; version: number } | { type: 'request'; id: number; command: Command };

/** Worker → view. */
export type WorkerMessage =
  | { type: 'snapshot'; version: number; snapshot: CaptureSnapshot }
  | { type: 'response'; id: number; ok: true }
  | { type: 'response'; id: number; ok: false; error: string }
  | { type: 'version-mismatch'; workerVersion: number };

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

function asCommand(value: unknown): Command | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'clear') return { type: 'clear' };
  if (value.type === 'set-paused' && typeof value.paused === 'boolean') return { type: 'set-paused', paused: value.paused };
  if (
    value.type === 'learn-endpoints' &&
    Array.isArray(value.urls) &&
    value.urls.length <= MAX_LEARNED_URLS &&
    value.urls.every((url) => typeof url === 'string' && url.length <= MAX_LEARNED_URL_LENGTH)
  )
    return { type: 'learn-endpoints', urls: value.urls as string[] };
  return undefined;
}

/** Narrow an incoming message; anything else is dropped by the receiver. */
export function asViewMessage(value: unknown): ViewMessage | undefined {
  if (!isObject(value)) return undefined;
  if (value.type === 'hello') return typeof value.version === 'number' ? { type: 'hello', version: value.version } : undefined;
  if (value.type === 'request' && typeof value.id === 'number') {
    const command = asCommand(value.command);
    return command ? { type: 'request', id: value.id, command } : undefined;
  }
  return undefined;
}

export function asWorkerMessage(value: unknown): WorkerMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.type) {
    case 'snapshot':
      return typeof value.version === 'number' && isObject(value.snapshot) ? (value as unknown as WorkerMessage) : undefined;
    case 'response':
      return typeof value.id === 'number' && typeof value.ok === 'boolean' ? (value as unknown as WorkerMessage) : undefined;
    case 'version-mismatch':
      return typeof value.workerVersion === 'number' ? (value as unknown as WorkerMessage) : undefined;
    default:
      return undefined;
  }
}
