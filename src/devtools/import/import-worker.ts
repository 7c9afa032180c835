/**
 * The import's Web Worker: one per imported file, started by `workerImporter`, alive as long as the source
 * is in the panel. It imports the File (structured clone shares its data: nothing is copied), posts the
 * import's events, then answers the panel's requests for a flow's detail and for the report.
 */
import { ImportBackend } from './har-import.ts';
import type { ToImportWorker, FromImportWorker } from './messages.ts';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToImportWorker>) => void) | null;
  postMessage(message: FromImportWorker): void;
};
let backend: ImportBackend | undefined;

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case 'import':
      backend = new ImportBackend(message.target);
      void backend.run(message.file, (event) => scope.postMessage(event));
      break;
    case 'open':
      scope.postMessage({ type: 'opened', requestId: message.requestId, slice: backend?.open(message.flowId) });
      break;
    case 'report':
      scope.postMessage({ type: 'reported', requestId: message.requestId, report: backend?.report(message.redact) });
      break;
  }
};
