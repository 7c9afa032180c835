/** The panel ↔ import worker messages (src/devtools/import/import-worker.ts). */
import type { InputReport } from '../../core/report.ts';
import type { FlowSlice } from '../sources.ts';
import type { ImportEvent, ImportTarget } from './har-import.ts';

export type ToImportWorker =
  | { type: 'import'; target: ImportTarget; file: Blob }
  | { type: 'open'; requestId: number; flowId: string }
  | { type: 'report'; requestId: number; redact: boolean };

export type FromImportWorker =
  | ImportEvent
  /** `slice` is absent when the flow is unknown (the import failed meanwhile). */
  | { type: 'opened'; requestId: number; slice: FlowSlice | undefined }
  | { type: 'reported'; requestId: number; report: InputReport | undefined };
