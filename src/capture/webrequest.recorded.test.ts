/**
 * The capture path fed with webRequest details that Chromium really sent during demo sign-ins
 * (tests/fixtures/webrequest, recorded by demo/record-webrequest.ts): recorder → relevance filter → analyze,
 * as the service worker runs them.
 */
import { describe, expect, it } from 'vitest';
import { replayRecording } from '../../tests/support/webrequest-replay.ts';
import { analyze } from '../core/analyze.ts';

describe('recorded webRequest details', () => {
  it.each([
    ['good', 'query'],
    ['form-post', 'form_post'],
    ['fragment', 'fragment'],
  ] as const)('%s: one complete flow, paired and clean', async (name, mode) => {
    const { kept, seen, issuer } = replayRecording(name);
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
    const formPost = replayRecording('form-post').kept.find((e) => e.method === 'POST' && e.url.endsWith('/cb/form-post'))!;
    expect(formPost.initiator).toBe('form');
    expect(formPost.requestBody.kind).toBe('form');
    if (formPost.requestBody.kind === 'form')
      expect(formPost.requestBody.params.map((p) => p.name).sort()).toEqual(expect.arrayContaining(['code', 'state']));
  });
});
