/**
 * The capture path fed with webRequest details that Chromium really sent during demo sign-ins
 * (tests/fixtures/webrequest, recorded by demo/record-webrequest.ts): recorder → relevance filter → analyze,
 * as the service worker runs them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../core/analyze.ts';
import type { Exchange } from '../core/model.ts';
import { emptyWatchlist, isRelevant, learn } from './relevance.ts';
import { WebRequestRecorder } from './webrequest.ts';

interface Recorded {
  issuer: string;
  events: { event: 'beforeRequest' | 'sendHeaders' | 'headersReceived' | 'redirected' | 'completed' | 'failed'; details: Record<string, unknown> }[];
}

function replay(name: string): { kept: Exchange[]; seen: number; issuer: string } {
  const recorded = JSON.parse(readFileSync(new URL(`../../tests/fixtures/webrequest/${name}.json`, import.meta.url), 'utf8')) as Recorded;
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
  for (const { event, details } of recorded.events) {
    const body = details['requestBody'] as { raw?: { bytes?: string }[] } | undefined;
    // The recorder stored ArrayBuffers as base64.
    if (body?.raw) body.raw = body.raw.map((p) => (p.bytes ? { bytes: Uint8Array.from(atob(p.bytes), (c) => c.charCodeAt(0)).buffer } : p)) as never;
    switch (event) {
      case 'beforeRequest': recorder.beforeRequest(details as never); break;
      case 'sendHeaders': recorder.sendHeaders(details as never); break;
      case 'headersReceived': recorder.headersReceived(details as never); break;
      case 'redirected': finish(recorder.redirected(details as never)); break;
      case 'completed': finish(recorder.completed(details as never)); break;
      case 'failed': finish(recorder.failed(details as never)); break;
    }
  }
  expect(recorder.inFlightCount).toBe(0);
  return { kept, seen, issuer: recorded.issuer };
}

describe('recorded webRequest details', () => {
  it.each([
    ['good', 'query'],
    ['form-post', 'form_post'],
    ['fragment', 'fragment'],
  ] as const)('%s: one complete flow, paired and clean', async (name, mode) => {
    const { kept, seen, issuer } = replay(name);
    expect(kept.length).toBeLessThan(seen);
    const analysis = await analyze(kept);
    expect(analysis.findings).toEqual([]);
    expect(analysis.flows).toHaveLength(1);
    const [flow] = analysis.flows;
    expect(flow!.issuer).toBe(issuer);
    expect(flow!.callback?.mode).toBe(mode);
    expect(flow!.codeExchanges).toHaveLength(1);
    expect(flow!.pkce.status).toBe('match');
    expect(flow!.steps.map((s) => s.kind)).toContain('sign-in');
  });

  it('reads the form_post body Chromium parsed into formData', () => {
    const formPost = replay('form-post').kept.find((e) => e.method === 'POST' && e.url.endsWith('/cb/form-post'))!;
    expect(formPost.initiator).toBe('form');
    expect(formPost.requestBody.kind).toBe('form');
    if (formPost.requestBody.kind === 'form') expect(formPost.requestBody.params.map((p) => p.name).sort()).toEqual(expect.arrayContaining(['code', 'state']));
  });
});
