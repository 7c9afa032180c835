/** An imported file on the panel side: its rows and redactor here, its analysis in the import worker. */
import { createRedactor } from '../../core/redact.ts';
import { itemOfSlice, type PanelSource } from '../sources.ts';
import type { ImportSnapshot, ImportTarget } from './har-import.ts';
import type { ImportConnection } from './importers.ts';

/** `complete` is false for the preview; the preview and the whole file share the connection. */
export function remoteSource(target: ImportTarget, snapshot: ImportSnapshot, connection: ImportConnection, complete: boolean): PanelSource {
  const source: PanelSource = {
    id: target.sourceId,
    label: target.label,
    kind: 'import',
    complete,
    exchangeCount: snapshot.exchangeCount,
    skipped: snapshot.skipped,
    redactor: createRedactor(snapshot.secrets),
    rows: [],
    unbound: snapshot.unbound,
    async open(flowId) {
      const slice = await connection.open(flowId);
      if (!slice) throw new Error(`${target.label}: flow ${flowId} is no longer in the import`);
      return itemOfSlice(source, slice);
    },
    async inputReport({ redact }) {
      const report = await connection.report(redact);
      if (!report) throw new Error(`${target.label}: the import has no result to report`);
      return report;
    },
    dispose: () => connection.close(),
  };
  source.rows = snapshot.rows.map((row) => ({ ...row, source }));
  return source;
}
