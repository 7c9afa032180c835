import { describe, expect, it } from 'vitest';
import { ImportBackend, type ImportEvent } from '../../src/devtools/import/har-import.ts';
import { twoFlowsAroundPadding } from './big-har.ts';
import { harText } from './fixtures.ts';

async function run(text: string): Promise<{ backend: ImportBackend; events: ImportEvent[] }> {
  const events: ImportEvent[] = [];
  const backend = new ImportBackend({ sourceId: 'import-1', label: 'file.har' });
  await backend.run(new Blob([text]), (e) => events.push(e));
  return { backend, events };
}

type EventOf<T extends ImportEvent['type']> = Extract<ImportEvent, { type: T }>;

describe('importing a HAR file', () => {
  it('imports a small file whole, without a preview, and sends rows, not the analysis', async () => {
    const { events } = await run(harText('good'));
    expect(events.map((e) => e.type)).toEqual(['done']);
    const done = events[0] as EventOf<'done'>;
    expect(done.snapshot.rows).toEqual([
      expect.objectContaining({ key: 'import-1/flow-har-2', flowId: 'flow-har-2', clientId: 'spa', tabs: [] }),
    ]);
    expect(done.snapshot.rows[0]!.searchText).toContain('file.har');
    expect(done.snapshot.secrets.map((s) => s.label)).toContain('code_verifier');
    expect(done.snapshot.exchangeCount).toBeGreaterThan(5);
    expect(done.phases.parse).toBeGreaterThanOrEqual(0);
    expect(done.snapshot).not.toHaveProperty('analysis');
  });

  it('answers for one flow (its slice) and for the report', async () => {
    const { backend, events } = await run(harText('refresh'));
    const row = (events[0] as EventOf<'done'>).snapshot.rows[0]!;
    const slice = backend.open(row.flowId)!;
    expect(slice.flow.id).toBe(row.flowId);
    expect(slice.exchanges.map((e) => e.id)).toEqual(slice.flow.steps.map((s) => s.exchangeId));
    expect(backend.open('flow-nope')).toBeUndefined();
    expect(backend.report(true)!.file).toBe('file.har');
  });

  it('previews the first flows of a big file, then the whole file with the same ids', async () => {
    const { events } = await run(twoFlowsAroundPadding());
    expect(events[0]?.type).toBe('preview');
    expect(events.at(-1)?.type).toBe('done');
    const preview = events[0] as EventOf<'preview'>;
    const done = events.at(-1) as EventOf<'done'>;
    expect(preview.snapshot.rows).toHaveLength(1);
    expect(done.snapshot.rows).toHaveLength(2);
    expect(preview.coveredBytes).toBeLessThan(preview.totalBytes);
    // A preview flow is the same flow in the full result: the selection survives.
    expect(done.snapshot.rows.map((r) => r.key)).toContain(preview.snapshot.rows[0]!.key);
    expect(done.snapshot.skipped).toEqual([]);
  });

  it('previews a truncated big file, then says it is truncated and answers no more', async () => {
    const text = twoFlowsAroundPadding();
    const { backend, events } = await run(text.slice(0, text.length - 200));
    expect(events[0]?.type).toBe('preview');
    expect(events.at(-1)).toEqual({ type: 'failed', message: expect.stringMatching(/^truncated/) });
    expect(backend.open((events[0] as EventOf<'preview'>).snapshot.rows[0]!.flowId)).toBeUndefined();
  });

  it('says why a file is not a HAR, without a preview of garbage', async () => {
    expect((await run('{"nope": 1}')).events).toEqual([{ type: 'failed', message: 'not a HAR file: JSON without a "log" object' }]);
    const binary = await run(String.fromCharCode(0, 1, 2, 3).repeat(1024 * 1024));
    expect(binary.events).toEqual([{ type: 'failed', message: expect.stringMatching(/binary/) }]);
  });
});
