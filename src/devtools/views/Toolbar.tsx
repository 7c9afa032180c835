/**
 * The toolbar (icon buttons, as DevTools' own: clear, pause, all tabs, reveal secrets, import, export) and the
 * filter bar below it (text, verdict, rule). Every icon button has a name (aria-label) and a tooltip (title).
 */
import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import type { VerdictFilter } from '../sources.ts';
import type { ImportProgress } from '../store.ts';
import { reportJson } from '../export-report.ts';
import { useStore } from './context.ts';
import { download } from './download.ts';
import { AllTabsIcon, ClearIcon, ExportIcon, ImportIcon, PauseIcon, ResumeIcon, RevealIcon } from './icons.tsx';

const VERDICT_FILTERS: readonly { value: VerdictFilter; label: string; title: string }[] = [
  { value: 'all', label: 'All', title: 'Every flow' },
  { value: 'failing', label: 'Failing', title: 'Flows with an error, or stuck' },
  { value: 'warnings', label: 'Warnings', title: 'Flows whose worst finding is a warning' },
  { value: 'passing', label: 'Passing', title: 'Flows with no error or warning' },
];

export function Toolbar() {
  const store = useStore();
  const paused = store.snapshotMeta.value?.paused ?? false;
  const fileInput = useRef<HTMLInputElement>(null);
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
    <>
      <div class="toolbar" role="toolbar" aria-label="Capture">
        <h1 class="visually-hidden">OAuth Lens</h1>
        <Tool
          id="clear"
          label="Clear"
          title="Clear: forget every captured flow and the imports (kept flows stay: remove them under Kept flows)"
          onClick={() => void store.clear()}
        >
          <ClearIcon />
        </Tool>
        <Tool
          id="pause"
          label="Pause capture"
          pressed={paused}
          title={paused ? 'Resume capture' : 'Pause capture'}
          onClick={() => void store.setPaused(!paused)}
        >
          {paused ? <ResumeIcon /> : <PauseIcon />}
        </Tool>
        <span class="divider" aria-hidden="true" />
        <Tool
          id="all-tabs"
          label="All tabs"
          pressed={store.allTabs.value}
          title={store.allTabs.value ? 'Showing every tab’s flows: show only this tab’s' : 'Show every tab’s flows, not only this tab’s'}
          onClick={() => {
            store.allTabs.value = !store.allTabs.value;
          }}
        >
          <AllTabsIcon />
        </Tool>
        <Tool
          id="reveal-all"
          label="Reveal secrets"
          pressed={store.revealAll.value}
          title={
            store.revealAll.value
              ? 'Secrets shown in URLs, bodies and exports: mask them again'
              : 'Reveal secrets in URLs, bodies and exports'
          }
          onClick={() => {
            store.revealAll.value = !store.revealAll.value;
          }}
        >
          <RevealIcon revealed={store.revealAll.value} />
        </Tool>
        <span class="divider" aria-hidden="true" />
        <Tool id="import" label="Import HAR" title="Import HAR files" onClick={() => fileInput.current?.click()}>
          <ImportIcon />
        </Tool>
        {/* The icon button above opens it; hidden, it still takes files (and drives the end-to-end tests). */}
        <input
          ref={fileInput}
          type="file"
          id="import-har"
          hidden
          accept=".har,application/json"
          multiple
          onChange={(e) => void onFile(e)}
        />
        <Tool
          id="export-all"
          data-export="all-json"
          label="Export all"
          disabled={!store.sources.value.length}
          title="Export every source as one JSON report (the CLI's schema)"
          onClick={() => void exportAll()}
        >
          <ExportIcon />
        </Tool>
        <span class="status muted" role="status">
          {store.status.value === 'reconnecting' ? 'reconnecting…' : store.status.value === 'incompatible' ? 'reload the extension' : ''}
          {paused && ' capture paused'}
          {store.importing.value.map((p) => (
            <ImportStatus key={p.sourceId} progress={p} />
          ))}
        </span>
      </div>
      <FilterBar />
    </>
  );
}

/** One icon button of the toolbar: its name for assistive technology, its tooltip, and `pressed` for a toggle. */
function Tool({
  label,
  pressed,
  children,
  ...button
}: {
  id: string;
  label: string;
  title: string;
  pressed?: boolean;
  disabled?: boolean;
  'data-export'?: string;
  onClick(): void;
  children: ComponentChildren;
}) {
  return (
    <button type="button" class="tool" aria-label={label} aria-pressed={pressed} {...button}>
      {children}
    </button>
  );
}

function FilterBar() {
  const store = useStore();
  const verdict = store.verdictFilter.value;
  return (
    <div class="filter-bar">
      <input
        type="search"
        id="search"
        placeholder="Filter: client, URL, rule id"
        aria-label="Filter flows by client, server, URL or rule id"
        aria-keyshortcuts="/"
        title="Filter flows by client, server, URL or rule id (press / to focus)"
        value={store.query.value}
        onInput={(e) => {
          store.query.value = (e.currentTarget as HTMLInputElement).value;
        }}
      />
      <fieldset class="segmented" aria-label="Verdict" id="verdict-filter">
        {VERDICT_FILTERS.map((f) => (
          <button
            key={f.value}
            type="button"
            data-verdict-filter={f.value}
            aria-pressed={verdict === f.value}
            title={f.title}
            onClick={() => {
              store.verdictFilter.value = f.value;
            }}
          >
            {f.label}
          </button>
        ))}
      </fieldset>
      <select
        id="rule-filter"
        aria-label="Only flows with a finding of this rule"
        title="Only flows with a finding of this rule"
        value={store.ruleFilter.value}
        onChange={(e) => {
          store.ruleFilter.value = (e.currentTarget as HTMLSelectElement).value;
        }}
      >
        <option value="">Any rule</option>
        {store.ruleIdsInScope.value.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
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
