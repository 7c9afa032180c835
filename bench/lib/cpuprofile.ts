/**
 * Summarise a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and inclusive time per
 * function, with bundle positions mapped back to source files through the bundle's source map when present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  /** `name (file:line)` with the file relative to the repository. */
  key: string;
  ms: number;
}

export interface ProfileSummary {
  totalMs: number;
  self: FunctionTime[];
  inclusive: FunctionTime[];
}

export function summarizeProfile(path: string, root: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const maps = new Map<string, SourceMap | null>();
  const keyCache = new Map<number, string>();

  const keyOf = (node: ProfileNode): string => {
    const cached = keyCache.get(node.id);
    if (cached) return cached;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    let where = url;
    let line = lineNumber + 1;
    let name = functionName || '(anonymous)';
    if (url.startsWith('file://')) {
      const map = sourceMapOf(url, maps);
      const entry = map?.findEntry(lineNumber, columnNumber) as
        | { originalSource?: string; originalLine?: number; name?: string }
        | undefined;
      if (entry?.originalSource) {
        where = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : entry.originalSource;
        line = (entry.originalLine ?? 0) + 1;
      } else {
        where = fileURLToPath(url);
      }
      where = relative(root, where.replace(/^.*?(?=\/(?:src|bench|node_modules)\/)/, root));
    }
    if (!url) name = functionName || '(native)';
    const key = url ? `${name} (${where}:${line})` : name;
    keyCache.set(node.id, key);
    return key;
  };

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    let node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const own = keyOf(node);
    self.set(own, (self.get(own) ?? 0) + ms);
    const seen = new Set<string>();
    while (node) {
      const key = keyOf(node);
      if (!seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
      }
      const up = parent.get(node.id);
      node = up === undefined ? undefined : byId.get(up);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].map(([key, ms]) => ({ key, ms })).sort((a, b) => b.ms - a.ms);
  return { totalMs: (profile.endTime - profile.startTime) / 1000, self: sorted(self), inclusive: sorted(inclusive) };
}

function sourceMapOf(url: string, cache: Map<string, SourceMap | null>): SourceMap | null {
  if (cache.has(url)) return cache.get(url)!;
  let map: SourceMap | null = null;
  try {
    const file = fileURLToPath(url);
    if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  } catch {
    map = null;
  }
  cache.set(url, map);
  return map;
}
