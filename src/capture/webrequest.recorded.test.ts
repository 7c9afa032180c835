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

  // No response body reaches webRequest: rotation shows only as the refusal of the stale token right after it
  // worked, which must give the verdict a HAR with bodies gives (tests/fixtures/demo/refresh-token-reused.har).
  it('refresh-token-reused: the reuse is an error live, as on the HAR', async () => {
    const { kept } = replayRecording('refresh-token-reused');
    expect(kept.every((e) => e.responseBody === undefined)).toBe(true);
    const analysis = await analyze(kept);
    const reuses = analysis.findings.filter((f) => f.ruleId === 'refresh-token-reused');
    expect(reuses).toMatchObject([{ severity: 'error' }]);
    expect(reuses[0]!.evidence).toContainEqual(
      expect.objectContaining({ label: 'rotation', value: expect.stringMatching(/^shown by the refusal/) }),
    );
  });

  it('reads the form_post body Chromium parsed into formData', () => {
    const formPost = replayRecording('form-post').kept.find((e) => e.method === 'POST' && e.url.endsWith('/cb/form-post'))!;
    expect(formPost.initiator).toBe('form');
    expect(formPost.requestBody.kind).toBe('form');
    if (formPost.requestBody.kind === 'form')
      expect(formPost.requestBody.params.map((p) => p.name).sort()).toEqual(expect.arrayContaining(['code', 'state']));
  });
});
