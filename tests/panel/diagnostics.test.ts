/**
 * What the panel gets of the stuck-flow diagnoses: the core computes them over the whole source (src/core/
 * diagnose/, tested there); an opened flow carries its own, with the exchanges they point at (a CORS preflight
 * belongs to no flow), whether it was analysed in the panel or in an import worker, and its report keeps them.
 */
import { describe, expect, it } from 'vitest';
import { ImportBackend } from '../../src/devtools/import/har-import.ts';
import { buildInputReportOf, buildSource, localSource } from '../../src/devtools/sources.ts';
import { fixtureExchanges, harText } from './fixtures.ts';

describe('an opened flow', () => {
  it('carries its diagnoses and the preflight they point at (live source)', async () => {
    const source = await buildSource('s', 'live capture', 'live', fixtureExchanges('token-preflight-blocked'));
    const [flow] = source.analysis.flows;
    const item = await localSource(source).open(flow!.id);
    expect(item.diagnoses).toEqual(source.analysis.diagnoses);
    expect(item.diagnoses.map((d) => d.kind)).toEqual(['token-cors-blocked']);
    const preflight = fixtureExchanges('token-preflight-blocked').find((e) => e.method === 'OPTIONS')!;
    expect(item.source.exchangeById.get(preflight.id)?.method).toBe('OPTIONS');
    // The flow's report (the panel's JSON and Markdown exports) keeps them, the preflight resolved.
    const [report] = buildInputReportOf(item.source, true).flows;
    expect(report!.diagnostics.map((d) => d.kind)).toEqual(['token-cors-blocked']);
    expect(report!.diagnostics[0]!.exchanges).toContainEqual(expect.objectContaining({ id: preflight.id, method: 'OPTIONS' }));
  });

  it('carries them from an import worker too, as plain data', async () => {
    const backend = new ImportBackend({ sourceId: 'import-1', label: 'file.har' });
    await backend.run(new Blob([harText('state-lost-new-tab')]), () => undefined);
    const slices = (backend.report(true)?.flows ?? []).map((f) => backend.open(f.id)!);
    expect(slices.map((s) => s.diagnoses.map((d) => d.kind))).toEqual([['state-lost', 'no-token-request'], []]);
    // A slice crosses from the worker to the panel by structured clone.
    expect(structuredClone(slices[0]!.diagnoses)).toEqual(slices[0]!.diagnoses);
  });

  it('has none for a correct sign-in', async () => {
    const source = await buildSource('s', 'good.har', 'import', fixtureExchanges('good'));
    const item = await localSource(source).open(source.analysis.flows[0]!.id);
    expect(item.diagnoses).toEqual([]);
  });
});
