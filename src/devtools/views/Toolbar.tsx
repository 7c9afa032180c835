/** Clear, pause, search, the all-tabs toggle, reveal-all, HAR import. */
import type { ImportProgress } from '../store.ts';
import { reportJson } from '../export-report.ts';
import { useStore } from './context.ts';
import { download } from './download.ts';

export function Toolbar() {
  const store = useStore();
  const paused = store.snapshotMeta.value?.paused ?? false;
  const onFile = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const files = [...(input.files ?? [])];
    // The files are kept: clearing the input now lets the same file be chosen again while it imports.
    input.value = '';
    for (const file of files) await store.importHar(file.name, file);
  };
  const exportAll = async () => {
    const report = await store.allSourcesReport({ redact: !store.revealAll.value });
    if (report) download('oauth-lens-report.json', reportJson(report), 'application/json');
  };
  return (
    <div class="toolbar" role="toolbar">
      <h1 class="brand">OAuth Lens</h1>
      <button type="button" id="clear" title="Forget every captured flow and the imports" onClick={() => void store.clear()}>
        Clear
      </button>
      <button type="button" id="pause" aria-pressed={paused} onClick={() => void store.setPaused(!paused)}>
        {paused ? 'Resume capture' : 'Pause capture'}
      </button>
      <input
        type="search"
        id="search"
        placeholder="Filter: client, URL, rule id"
        value={store.query.value}
        onInput={(e) => {
          store.query.value = (e.currentTarget as HTMLInputElement).value;
        }}
      />
      <label>
        <input
          type="checkbox"
          id="all-tabs"
          checked={store.allTabs.value}
          onChange={(e) => {
            store.allTabs.value = (e.currentTarget as HTMLInputElement).checked;
          }}
        />{' '}
        all tabs
      </label>
      <label>
        <input
          type="checkbox"
          id="reveal-all"
          checked={store.revealAll.value}
          onChange={(e) => {
            store.revealAll.value = (e.currentTarget as HTMLInputElement).checked;
          }}
        />{' '}
        reveal secrets
      </label>
      <button
        type="button"
        id="export-all"
        data-export="all-json"
        disabled={!store.sources.value.length}
        title="Every source as one JSON report (the CLI's schema)"
        onClick={() => void exportAll()}
      >
        Export all
      </button>
      <label class="import">
        Import HAR <input type="file" id="import-har" accept=".har,application/json" multiple onChange={(e) => void onFile(e)} />
      </label>
      <span class="status muted" role="status">
        {store.status.value === 'reconnecting' ? 'reconnecting…' : store.status.value === 'incompatible' ? 'reload the extension' : ''}
        {paused && ' capture paused'}
        {store.importing.value.map((p) => (
          <ImportStatus key={p.sourceId} progress={p} />
        ))}
      </span>
    </div>
  );
}

const MB = 1024 * 1024;

function ImportStatus({ progress }: { progress: ImportProgress }) {
  const { name, loadedBytes, totalBytes, previewFlows } = progress;
  const read = totalBytes ? ` ${(loadedBytes / MB).toFixed(0)} of ${(totalBytes / MB).toFixed(0)} MB read` : '';
  const preview = previewFlows !== undefined ? `, showing the first ${previewFlows} flow${previewFlows === 1 ? '' : 's'}` : '';
  return (
    <span class="importing" data-importing={name}>
      {' '}
      importing {name}:{loadedBytes < totalBytes ? read : ' analysing'}
      {preview}…
      <progress max={totalBytes || 1} value={loadedBytes} />
    </span>
  );
}
