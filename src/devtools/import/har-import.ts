/**
 * Importing a HAR file into the panel: read, parse, convert (the CLI's HAR adapter) and analyse, reporting
 * as it goes, then answer for the source. Runs in a Web Worker (import-worker.ts), so a 200 MB file never
 * freezes the panel, and in process where there is no Worker (Node tests); no DOM, no `chrome.*`.
 *
 * A big file is slow to read and parse whole (about 0.5 s to read and 1.5 s to `JSON.parse` 177 MB here), so
 * its first entries are streamed out of a small slice first and analysed alone: the user sees the first
 * flows at once, labelled as a preview, and the whole file's analysis replaces them when it is ready. Flow
 * and exchange ids depend only on entry positions, so a flow of the preview keeps its id (and the user's
 * selection) in the full result. Only the complete file's analysis is authoritative: a preview can lack a
 * later request that a rule needs.
 */
import { entriesToExchanges, parseHarText } from '../../capture/har.ts';
import { completeHarEntries } from './har-prefix.ts';
import type { Exchange } from '../../core/model.ts';
import type { InputReport } from '../../core/report.ts';
import type { SecretValue } from '../../core/redact.ts';
import {
  buildSourceWithSecrets,
  buildInputReportOf,
  indexSource,
  rowsOf,
  sliceOf,
  unboundOf,
  type SourceIndex,
  type FlowRowData,
  type FlowSlice,
  type Source,
  type UnboundFinding,
} from '../sources.ts';

/** Files smaller than this are imported whole at once: a preview would not be seen before the result. */
export const PREVIEW_MIN_FILE_BYTES = 2 * 1024 * 1024;
/** About 75 exchanges of a typical Chrome HAR, a screenful of flows: analysed in tens of ms, even cold. */
export const PREVIEW_SLICE_BYTES = 256 * 1024;
const PROGRESS_INTERVAL_MS = 100;

/** What the panel receives of an import (or its preview): the list's rows, not the 200 MB behind them. */
export interface ImportSnapshot {
  rows: FlowRowData[];
  unbound: UnboundFinding[];
  /** Computed where the analysis ran: the panel only indexes them (createRedactor). */
  secrets: SecretValue[];
  exchangeCount: number;
  /** HAR entries that could not be used, and why. */
  skipped: string[];
}

export type ImportEvent =
  /** The flows of the file's first `coveredBytes`; the whole file follows. */
  | { type: 'preview'; snapshot: ImportSnapshot; coveredBytes: number; totalBytes: number }
  | { type: 'progress'; loadedBytes: number; totalBytes: number }
  | { type: 'done'; snapshot: ImportSnapshot; phases: ImportPhases }
  /** A one-line reason (not JSON, truncated, not a HAR…), as the CLI words it. */
  | { type: 'failed'; message: string };

/** Where the time of a whole-file import went, in ms (User Timing measures in the panel). */
export interface ImportPhases {
  read: number;
  parse: number;
  analyse: number;
}

/** Names the import's source: row keys are `<sourceId>/<flowId>`, the label is the file name. */
export interface ImportTarget {
  sourceId: string;
  label: string;
}

/**
 * One import and what it keeps: the analysed source (the preview's, then the whole file's) answers the
 * panel's requests for a flow's detail and for the report.
 */
export class ImportBackend {
  private current: { source: Source; index: SourceIndex } | undefined;

  constructor(private readonly target: ImportTarget) {}

  async run(file: Blob, emit: (event: ImportEvent) => void): Promise<void> {
    try {
      if (file.size >= PREVIEW_MIN_FILE_BYTES) {
        const preview = await this.preview(file);
        if (preview) emit({ type: 'preview', snapshot: this.adopt(preview), coveredBytes: PREVIEW_SLICE_BYTES, totalBytes: file.size });
      }
      let started = performance.now();
      const text = await readText(file, emit);
      const read = performance.now() - started;
      started = performance.now();
      const conversion = parseHarText(text);
      const parse = performance.now() - started;
      started = performance.now();
      const analysed = await this.analyse(conversion.exchanges, conversion.warnings);
      emit({ type: 'done', snapshot: this.adopt(analysed), phases: { read, parse, analyse: performance.now() - started } });
    } catch (error) {
      this.current = undefined;
      // HarFormatError says what is wrong with the file; anything else (a read error) is worded by the platform.
      emit({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  }

  open(flowId: string): FlowSlice | undefined {
    return this.current && sliceOf(this.current.source, flowId, this.current.index);
  }

  report(redact: boolean): InputReport | undefined {
    return this.current && buildInputReportOf(this.current.source, redact);
  }

  private analyse(exchanges: Exchange[], skipped: string[]) {
    return buildSourceWithSecrets(this.target.sourceId, this.target.label, 'import', exchanges, skipped);
  }

  private adopt({ source, secrets }: Awaited<ReturnType<ImportBackend['analyse']>>): ImportSnapshot {
    const index = indexSource(source.analysis);
    this.current = { source, index };
    return {
      rows: rowsOf(source, index),
      unbound: unboundOf(source, index),
      secrets,
      exchangeCount: source.exchanges.length,
      skipped: source.skipped,
    };
  }

  /**
   * The complete entries of the file's first slice; undefined when the slice holds none (a HAR whose `pages`
   * come first and are long) or is not JSON: the whole-file parse then reports the problem in its own words.
   */
  private async preview(file: Blob) {
    // The slice usually ends inside an entry (or a UTF-8 sequence): that entry is simply never completed.
    const entries = completeHarEntries(await file.slice(0, PREVIEW_SLICE_BYTES).text());
    if (!entries.length) return undefined;
    const conversion = entriesToExchanges(entries);
    return this.analyse(conversion.exchanges, conversion.warnings);
  }
}

/** The file as text, reporting the bytes read every PROGRESS_INTERVAL_MS. */
async function readText(file: Blob, emit: (event: ImportEvent) => void): Promise<string> {
  const bytes = new Uint8Array(file.size);
  let loaded = 0;
  let reported = performance.now();
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.byteLength > bytes.length) throw new Error('the file changed while it was being read');
    bytes.set(value, loaded);
    loaded += value.byteLength;
    if (performance.now() - reported >= PROGRESS_INTERVAL_MS) {
      reported = performance.now();
      emit({ type: 'progress', loadedBytes: loaded, totalBytes: file.size });
    }
  }
  // One decode of the whole buffer: a chunk boundary never splits a character.
  return new TextDecoder().decode(bytes.subarray(0, loaded));
}
