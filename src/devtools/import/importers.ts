/**
 * How the store runs an import: in a Web Worker in the panel (the extension page adapter passes
 * `workerImporter`), in process where there is no Worker (Node tests). Both run the same `ImportBackend` and
 * deliver the same events and answers.
 */
import type { InputReport } from '../../core/report.ts';
import type { FlowSlice } from '../sources.ts';
import { ImportBackend, type ImportEvent, type ImportTarget } from './har-import.ts';
import type { FromImportWorker, ToImportWorker } from './messages.ts';

export interface ImportConnection {
  /** Settles after the import's last event (`done` or `failed`) was delivered, or on close. */
  finished: Promise<void>;
  /** The flow's detail, from the newest analysis (the preview's until the whole file's is ready). */
  open(flowId: string): Promise<FlowSlice | undefined>;
  report(redact: boolean): Promise<InputReport | undefined>;
  /** Drops the import (and its worker): no more events, requests fail. */
  close(): void;
}

export type HarImporter = (target: ImportTarget, file: Blob, onEvent: (event: ImportEvent) => void) => ImportConnection;

const CLOSED = 'the import was closed';

export const importInProcess: HarImporter = (target, file, onEvent) => {
  const backend = new ImportBackend(target);
  let closed = false;
  const finished = backend.run(file, (event) => {
    if (!closed) onEvent(event);
  });
  const answer = <T>(read: () => T) => (closed ? Promise.reject(new Error(CLOSED)) : Promise.resolve(read()));
  return {
    finished,
    open: (flowId) => answer(() => backend.open(flowId)),
    report: (redact) => answer(() => backend.report(redact)),
    close: () => void (closed = true),
  };
};

/**
 * `createWorker` starts src/devtools/import/import-worker.ts (a bundler-resolved URL, so the adapter makes it).
 * One worker is started ahead, when the panel opens, and the next one after each import: starting a worker
 * (fetching and compiling its module) would otherwise delay the first rows of every import by tens of ms.
 */
export function workerImporter(createWorker: () => Worker): HarImporter {
  // A spare that failed to start (its error came before anyone listened) is replaced, not used.
  const startSpare = () => {
    const worker = createWorker();
    const spare = { worker, failed: false };
    worker.onerror = () => void (spare.failed = true);
    return spare;
  };
  let spare: ReturnType<typeof startSpare> | undefined = startSpare();
  return (target, file, onEvent) => {
    if (spare?.failed) spare.worker.terminate();
    const worker = spare && !spare.failed ? spare.worker : createWorker();
    spare = undefined;
    let settle!: () => void;
    const finished = new Promise<void>((resolve) => (settle = resolve));
    void finished.then(() => (spare ??= startSpare()));
    const pending = new Map<number, { resolve(message: FromImportWorker): void; reject(error: Error): void }>();
    let nextRequest = 0;
    let closed = false;
    const fail = (message: string) => {
      onEvent({ type: 'failed', message });
      settle();
    };
    worker.onmessage = ({ data: message }: MessageEvent<FromImportWorker>) => {
      if (closed) return;
      if (message.type === 'opened' || message.type === 'reported') {
        pending.get(message.requestId)?.resolve(message);
        pending.delete(message.requestId);
        return;
      }
      onEvent(message);
      if (message.type === 'done') settle();
      if (message.type === 'failed') close();
    };
    // A worker that fails to start, or throws outside the backend's own handling.
    worker.onerror = (error) => {
      error.preventDefault();
      if (!closed) fail(`the import stopped: ${error.message || 'its worker failed to start'}`);
      close();
    };
    const post = (message: ToImportWorker) => worker.postMessage(message);
    const request = (message: ToImportWorker & { requestId: number }) =>
      new Promise<FromImportWorker>((resolve, reject) => {
        if (closed) return reject(new Error(CLOSED));
        pending.set(message.requestId, { resolve, reject });
        post(message);
      });
    function close() {
      closed = true;
      worker.terminate();
      for (const { reject } of pending.values()) reject(new Error(CLOSED));
      pending.clear();
      settle();
    }
    post({ type: 'import', target, file });
    return {
      finished,
      open: async (flowId) => {
        const reply = await request({ type: 'open', requestId: ++nextRequest, flowId });
        return reply.type === 'opened' ? reply.slice : undefined;
      },
      report: async (redact) => {
        const reply = await request({ type: 'report', requestId: ++nextRequest, redact });
        return reply.type === 'reported' ? reply.report : undefined;
      },
      close,
    };
  };
}
