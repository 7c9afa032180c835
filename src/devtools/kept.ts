/**
 * Kept flows: a flow the user chose to keep, stored redacted in `storage.local` so that a working sign-in
 * survives a browser restart and can be compared with tomorrow's broken one. Everything else the extension
 * captures stays in `storage.session`, which the browser forgets on restart.
 *
 * A kept flow is stored as the HAR export of its exchanges with the export's redaction (export-har.ts: the
 * source's redactor, numbered markers, credential headers masked), never depending on "reveal secrets": codes,
 * verifiers, tokens, client secrets, passwords and cookies never reach the disk. It is read back as a redacted
 * HAR import is, each kept flow analysed on its own (one source each), so two kept flows never pair with each
 * other: markers are numbered per export, and "value 1" of one kept flow is not "value 1" of another.
 *
 * Pure: the panel hands in a `KeptStorage` (browser.storage.local in the panel, a map in tests).
 */
import { harToExchanges } from '../capture/har.ts';
import { TOOL_VERSION } from '../report/version.ts';
import { exchangesToHar } from './export-har.ts';
import { buildSource, localSource, type FlowItem, type PanelSource } from './sources.ts';

/** The one key the panel uses in `storage.local`. */
export const KEPT_STORAGE_KEY = 'oauthLens.keptFlows';
/** At most this many kept flows: enough to keep a working flow per client, not a second capture log. */
export const MAX_KEPT_FLOWS = 50;
/**
 * At most this many characters of JSON for all kept flows together: Chrome gives an extension 10 MB of
 * `storage.local` (`storage.local.QUOTA_BYTES`) without `unlimitedStorage`, which OAuth Lens does not ask for.
 */
export const MAX_KEPT_CHARS = 4 * 1024 * 1024;

export type KeptHar = ReturnType<typeof exchangesToHar>;

export interface KeptFlowRecord {
  version: 1;
  id: string;
  /** When it was kept (ms since the epoch). */
  keptAt: number;
  /** Where it came from: `live capture`, or the imported file's name. */
  origin: string;
  clientId?: string;
  server?: string;
  /** When the flow started: with the client and the server, what makes a second "Keep" of it a repeat. */
  started: number;
  /** The flow's exchanges as a redacted HAR (export-har.ts). */
  har: KeptHar;
}

/** Where kept flows live: `storage.local` in the panel. */
export interface KeptStorage {
  /** The stored value (anything: it is checked by `parseKept`), undefined when nothing was kept. */
  read(): Promise<unknown>;
  /** Replaces the stored list; an empty list removes the key. */
  write(records: readonly KeptFlowRecord[]): Promise<void>;
  /** Another panel (another DevTools window) changed the kept flows. */
  onChange?(listener: (value: unknown) => void): void;
}

/** The record of a flow: its exchanges (steps and those its diagnoses rest on), redacted as the HAR export does. */
export function keptRecordOf(item: FlowItem, keptAt: number): KeptFlowRecord {
  // The source's redactor, whatever "reveal secrets" says: a kept flow is written to disk. Every string of the
  // record goes through it, the public ones (client_id, server) too.
  const { redactor } = item.source;
  return {
    version: 1,
    id: `${keptAt.toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    keptAt,
    origin: redactor.text(item.source.label),
    ...(item.clientId !== undefined ? { clientId: redactor.text(item.clientId) } : {}),
    ...(item.server !== undefined ? { server: redactor.text(item.server) } : {}),
    started: item.started,
    har: exchangesToHar(item.source.exchanges, { redactor, toolVersion: TOOL_VERSION }),
  };
}

/** Whether `records` already hold this flow (kept twice, or kept again after a restart). */
export function keptAlready(
  records: readonly KeptFlowRecord[],
  flow: { clientId?: string | undefined; server?: string | undefined; started: number },
): boolean {
  return records.some((r) => r.started === flow.started && r.clientId === flow.clientId && r.server === flow.server);
}

/** The list with `record` added, or why it cannot be: never a silent eviction of what the user chose to keep. */
export function addKept(records: readonly KeptFlowRecord[], record: KeptFlowRecord): { records: KeptFlowRecord[] } | { problem: string } {
  if (keptAlready(records, record)) return { problem: 'This flow is kept already.' };
  if (records.length >= MAX_KEPT_FLOWS)
    return { problem: `Not kept: ${MAX_KEPT_FLOWS} flows are kept already, the most there can be. Remove one you no longer need.` };
  const next = [...records, record];
  const size = JSON.stringify(next).length;
  if (size > MAX_KEPT_CHARS) {
    const own = JSON.stringify(record).length;
    return {
      problem: `Not kept: this flow takes ${megabytes(own)} redacted, and kept flows may take ${megabytes(MAX_KEPT_CHARS)} in all (${megabytes(size - own)} in use). Remove kept flows you no longer need.`,
    };
  }
  return { records: next };
}

function megabytes(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

/** The stored records that are well-formed; anything else (an older format, a damaged value) is left out. */
export function parseKept(value: unknown): KeptFlowRecord[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (r): r is KeptFlowRecord =>
      isObject(r) &&
      r.version === 1 &&
      typeof r.id === 'string' &&
      typeof r.keptAt === 'number' &&
      typeof r.origin === 'string' &&
      typeof r.started === 'number' &&
      (r.clientId === undefined || typeof r.clientId === 'string') &&
      (r.server === undefined || typeof r.server === 'string') &&
      isObject(r.har) &&
      isObject(r.har.log) &&
      Array.isArray(r.har.log.entries),
  );
}

export const KEPT_SOURCE_PREFIX = 'kept-';

/** A kept flow as a panel source of its own, analysed as a redacted HAR import would be. */
export async function keptSource(record: KeptFlowRecord): Promise<PanelSource> {
  const { exchanges, warnings } = harToExchanges(record.har);
  const label = `kept ${new Date(record.keptAt).toISOString().slice(0, 16).replace('T', ' ')} (${record.origin})`;
  return localSource(await buildSource(`${KEPT_SOURCE_PREFIX}${record.id}`, label, 'kept', exchanges, warnings));
}

/** The record id of a kept source's id; undefined for any other source. */
export function keptIdOf(sourceId: string): string | undefined {
  return sourceId.startsWith(KEPT_SOURCE_PREFIX) ? sourceId.slice(KEPT_SOURCE_PREFIX.length) : undefined;
}
