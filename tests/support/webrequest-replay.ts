/**
 * Replays webRequest details that Chromium really sent during a demo sign-in (tests/fixtures/webrequest,
 * recorded by demo/record-webrequest.ts) through the service worker's capture path: recorder → relevance filter
 * (learning its watchlist as it goes), as src/background/index.ts runs them.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { emptyWatchlist, isRelevant, learn } from '../../src/capture/relevance.ts';
import {
  WebRequestRecorder,
  type BeforeRequestDetails,
  type ErrorDetails,
  type RedirectDetails,
  type ResponseDetails,
  type SendHeadersDetails,
} from '../../src/capture/webrequest.ts';
import type { Exchange } from '../../src/core/model.ts';

type RecordedEvent =
  | { event: 'beforeRequest'; details: BeforeRequestDetails }
  | { event: 'sendHeaders'; details: SendHeadersDetails }
  | { event: 'headersReceived' | 'completed'; details: ResponseDetails }
  | { event: 'redirected'; details: RedirectDetails }
  | { event: 'failed'; details: ErrorDetails };

export interface Recording {
  issuer: string;
  clientOrigin: string;
  events: RecordedEvent[];
}

export interface Replayed extends Omit<Recording, 'events'> {
  /** The exchanges the worker keeps, in the order it finishes them. */
  kept: Exchange[];
  /** Every exchange the recorder finished, kept or not. */
  seen: number;
}

export function replayRecording(name: string): Replayed {
  const { events, ...recording } = JSON.parse(
    readFileSync(new URL(`../fixtures/webrequest/${name}.json`, import.meta.url), 'utf8'),
  ) as Recording;
  const recorder = new WebRequestRecorder('r');
  let watch = emptyWatchlist();
  const kept: Exchange[] = [];
  let seen = 0;
  const finish = (exchange: Exchange) => {
    seen++;
    if (!isRelevant(exchange, watch)) return;
    kept.push(exchange);
    watch = learn(watch, exchange);
  };
  for (const recorded of events) {
    switch (recorded.event) {
      case 'beforeRequest': {
        const { details } = recorded;
        // The recorder stored ArrayBuffers as base64.
        const raw = details.requestBody?.raw?.map((part) =>
          typeof part.bytes === 'string' ? { bytes: Uint8Array.from(atob(part.bytes), (c) => c.charCodeAt(0)).buffer } : part,
        );
        recorder.beforeRequest(raw ? { ...details, requestBody: { ...details.requestBody, raw } } : details);
        break;
      }
      case 'sendHeaders':
        recorder.sendHeaders(recorded.details);
        break;
      case 'headersReceived':
        recorder.headersReceived(recorded.details);
        break;
      case 'redirected':
        finish(recorder.redirected(recorded.details));
        break;
      case 'completed':
        finish(recorder.completed(recorded.details));
        break;
      case 'failed':
        finish(recorder.failed(recorded.details));
        break;
    }
  }
  expect(recorder.inFlightCount).toBe(0);
  return { ...recording, kept, seen };
}
