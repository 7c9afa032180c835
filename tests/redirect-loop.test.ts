/**
 * A client stuck in a redirect loop (bench/redirect-loop/generate.ts): the same authorization request, answered
 * at once by an error redirect to the callback, thousands of times. The analysis must pair each callback with
 * its own request (not the latest one, not nothing) and report each finding once per attempt. How long it takes
 * is the benchmark's business (`npm run bench -- --only redirect-loop`), not this test's.
 */
import { describe, expect, it } from 'vitest';
import { LOOP_ENTRIES_PER_REPEAT, type RedirectLoopSpec, redirectLoopHar } from '../bench/redirect-loop/generate.ts';
import { harToExchanges } from '../src/capture/har.ts';
import { analyze } from '../src/core/analyze.ts';
import type { Analysis } from '../src/core/model.ts';

async function auditLoop(spec: RedirectLoopSpec): Promise<Analysis> {
  const { exchanges, warnings } = harToExchanges(redirectLoopHar(spec));
  expect(warnings).toEqual([]);
  expect(exchanges).toHaveLength(spec.repeats * LOOP_ENTRIES_PER_REPEAT);
  return analyze(exchanges);
}

const findingsByRule = (analysis: Analysis) => {
  const counts: Record<string, number> = {};
  for (const f of analysis.findings) counts[f.ruleId] = (counts[f.ruleId] ?? 0) + 1;
  return counts;
};

/** Attempt i is HAR entries 3i (the authorization request, whose 302 carries the response) and 3i + 1 (the callback page). */
const requestOf = (i: number) => `har-${i * LOOP_ENTRIES_PER_REPEAT}`;
const callbackPageOf = (i: number) => `har-${i * LOOP_ENTRIES_PER_REPEAT + 1}`;

function expectEachCallbackOnItsOwnRequest(analysis: Analysis, repeats: number, pairedBy: 'state' | 'redirect_uri') {
  expect(analysis.flows).toHaveLength(repeats);
  analysis.flows.forEach((flow, i) => {
    expect(flow.authorization?.exchange.id).toBe(requestOf(i));
    expect(flow.callback?.exchange.id).toBe(requestOf(i));
    expect(flow.callback?.arrival?.id).toBe(callbackPageOf(i));
    expect(flow.callback?.error).toBe('login_required');
    expect(flow.repeatedCallbacks).toEqual([]);
    expect(flow.steps.map((s) => [s.kind, s.exchangeId, s.pairedBy])).toEqual([
      ['authorize', requestOf(i), undefined],
      ['callback', requestOf(i), pairedBy],
      ['callback', callbackPageOf(i), pairedBy],
    ]);
  });
}

describe('a client in a redirect loop', () => {
  it('re-sending the very same request (same state): every callback pairs with its own request', async () => {
    const repeats = 2_000;
    const analysis = await auditLoop({ repeats, state: 'same' });
    expect(analysis.problems).toEqual([]);
    expectEachCallbackOnItsOwnRequest(analysis, repeats, 'state');
    // One challenge in every flow: one finding naming the other flows; one OAuth error per callback.
    expect(findingsByRule(analysis)).toEqual({ 'oauth-error-response': repeats, 'pkce-value-reused': 1 });
    const reused = analysis.findings.find((f) => f.ruleId === 'pkce-value-reused')!;
    expect(reused.flowId).toBe(analysis.flows.at(-1)!.id);
    expect(reused.evidence.filter((e) => e.label === 'also used in flow')).toHaveLength(repeats - 1);
  });

  it('with a fresh state per attempt', async () => {
    const repeats = 1_000;
    const analysis = await auditLoop({ repeats, state: 'fresh' });
    expect(analysis.problems).toEqual([]);
    expectEachCallbackOnItsOwnRequest(analysis, repeats, 'state');
    expect(findingsByRule(analysis)).toEqual({ 'oauth-error-response': repeats });
  });

  it('without state: paired by redirect target, each with its own request', async () => {
    const repeats = 1_000;
    const analysis = await auditLoop({ repeats, state: 'none' });
    expect(analysis.problems).toEqual([]);
    expectEachCallbackOnItsOwnRequest(analysis, repeats, 'redirect_uri');
    expect(findingsByRule(analysis)).toEqual({ 'oauth-error-response': repeats, 'state-missing': repeats, 'pkce-value-reused': 1 });
  });

  it.each(['same', 'fresh'] as const)(
    'when the state comes back altered (%s state): every response is a mismatch of its own request',
    async (state) => {
      const repeats = 1_000;
      const analysis = await auditLoop({ repeats, state, mangled: true });
      expect(analysis.problems).toEqual([]);
      // Each attempt: its request, left without a callback, and the response, in a flow of its own.
      expect(analysis.flows).toHaveLength(2 * repeats);
      for (let i = 0; i < repeats; i++) {
        const [request, response] = [analysis.flows[2 * i]!, analysis.flows[2 * i + 1]!];
        expect(request.authorization?.exchange.id).toBe(requestOf(i));
        expect(request.callback).toBeUndefined();
        expect(response.authorization).toBeUndefined();
        expect(response.callback?.exchange.id).toBe(requestOf(i));
      }
      // The request re-sent verbatim is one request seen again, not a reused PKCE challenge; '+' and ' ' are
      // legal in a state (VSCHAR, RFC 6749 Appendix A.5), so weak-random stays quiet.
      expect(findingsByRule(analysis)).toEqual({ 'state-mismatch': repeats, 'oauth-error-response': repeats });
      const mismatches = analysis.findings.filter((f) => f.ruleId === 'state-mismatch');
      mismatches.forEach((finding, i) => {
        expect(finding.flowId).toBe(analysis.flows[2 * i + 1]!.id);
        // The latest request to the callback is the attempt's own, and the response nearly matches a state sent.
        expect(finding.exchangeIds).toEqual([requestOf(i), callbackPageOf(i)]);
        expect(finding.evidence.find((e) => e.label === 'near miss')?.value).toBe('plus-as-space');
        expect(finding.evidence.filter((e) => e.label.startsWith('state sent'))).toHaveLength(state === 'same' ? 1 : Math.min(i + 1, 5));
      });
    },
  );
});
