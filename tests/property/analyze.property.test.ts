/**
 * Property tests for `analyze`: whatever traffic it is fed — coherent flows with random defects, stray
 * exchanges, hostile strings, odd times — it never throws, no rule throws (`problems: []`), and its output
 * only refers to flows, exchanges, rules and severities that exist.
 *
 * Reproduce a failure: FC_SEED=<seed> [FC_PATH=<path>] npx vitest run --project unit tests/property
 * More runs: FC_RUNS=2000 npx vitest run --project unit tests/property
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { analyzeAndCheck, fcParams } from './check.ts';
import { exchangeDraftArb, trafficArb, Traffic } from './arbitraries.ts';

describe('analyze on random traffic', () => {
  it('never throws, reports no problems, and returns a consistent analysis', async () => {
    await fc.assert(
      fc.asyncProperty(trafficArb, async (traffic) => {
        await analyzeAndCheck(traffic.exchanges);
      }),
      fcParams(250),
    );
  }, 60_000);

  it('handles single exchanges of every kind', async () => {
    await fc.assert(
      fc.asyncProperty(exchangeDraftArb, async (draft) => {
        await analyzeAndCheck([{ id: 'x0', ...draft }]);
      }),
      fcParams(300),
    );
  }, 60_000);

  it('is deterministic: the same input gives the same findings', async () => {
    await fc.assert(
      fc.asyncProperty(trafficArb, async (traffic) => {
        const a = await analyze(traffic.exchanges);
        const b = await analyze(traffic.exchanges);
        expect(b.findings).toEqual(a.findings);
        expect(b.flows.map((f) => f.id)).toEqual(a.flows.map((f) => f.id));
      }),
      fcParams(40),
    );
  }, 60_000);

  it('does not depend on the order exchanges are handed over when their times differ', async () => {
    await fc.assert(
      fc.asyncProperty(trafficArb, async (traffic) => {
        // Distinct times make the time order total, so a reversed input must give the same analysis.
        const timed = traffic.exchanges.map((e, i) => ({ ...e, time: 1_800_000_000_000 + i * 10 }));
        const a = await analyze(timed);
        const b = await analyze([...timed].reverse());
        expect(b.findings.map((f) => [f.ruleId, f.flowId, f.exchangeIds])).toEqual(
          a.findings.map((f) => [f.ruleId, f.flowId, f.exchangeIds]),
        );
      }),
      fcParams(40),
    );
  }, 60_000);

  it('prints counterexamples compactly', () => {
    expect(fc.stringify(new Traffic([]))).toBe('Traffic([])');
  });
});
