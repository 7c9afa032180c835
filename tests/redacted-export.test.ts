/**
 * A redacted export audited again must not cry wolf. A developer exports a HAR from the panel (secrets
 * redacted by default) and attaches it to a bug; QA audits it with `oauth-lens audit`. Every recorded demo
 * sign-in goes the panel's way (exchanges → buildSource → exchangesToHar with the source's redactor), is read
 * back with the CLI's HAR reader, and audited:
 * - no finding the audit of the capture does not have (a finding whose evidence was redacted away becomes
 *   "not observable", never a new error or warning);
 * - the flows pair as in the capture, since the export numbers its markers (equal values, equal markers);
 * - markers without numbers (an older export, a report pasted back) still raise nothing new.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readHar } from '../src/cli/input.ts';
import { analyze } from '../src/core/analyze.ts';
import type { Analysis, Finding } from '../src/core/model.ts';
import type { Redactor } from '../src/core/redact.ts';
import { exchangesToHar } from '../src/devtools/export-har.ts';
import { buildSource, type Source } from '../src/devtools/sources.ts';
import { parseHarText } from '../src/capture/har.ts';

const DEMO = new URL('./fixtures/demo/', import.meta.url);
const recordings = readdirSync(DEMO)
  .filter((name) => name.endsWith('.har'))
  .sort();

async function sourceOf(name: string): Promise<Source> {
  const { exchanges } = parseHarText(readFileSync(new URL(name, DEMO), 'utf8'));
  return buildSource('capture', name, 'import', exchanges);
}

/** The panel's HAR export of a source, read back by the CLI's reader (standard input, as `audit -`) and analysed. */
async function reaudit(source: Source, redactor: Redactor = source.redactor): Promise<Analysis> {
  const text = JSON.stringify(exchangesToHar(source.exchanges, { redactor, toolVersion: 'test' }));
  const { exchanges, warnings } = readHar('-', { readStdin: () => Buffer.from(text) });
  expect(warnings).toEqual([]);
  const analysis = await analyze(exchanges);
  expect(analysis.problems).toEqual([]);
  return analysis;
}

const findingKey = (f: Finding) => `${f.ruleId}/${f.severity} in ${f.flowId ?? 'no flow'}`;
const ruleKey = (f: Finding) => `${f.ruleId}/${f.severity}`;

/** Findings of `after` that `before` does not have, counted by `key`. */
function added(before: readonly Finding[], after: readonly Finding[], key: (f: Finding) => string): string[] {
  const remaining = new Map<string, number>();
  for (const f of before) remaining.set(key(f), (remaining.get(key(f)) ?? 0) + 1);
  const extra: string[] = [];
  for (const f of after) {
    const left = remaining.get(key(f)) ?? 0;
    if (left > 0) remaining.set(key(f), left - 1);
    else extra.push(key(f));
  }
  return extra;
}

/** Each flow as the exchanges of its steps: how the analysis paired them. */
const pairing = (analysis: Analysis) => analysis.flows.map((flow) => `${flow.id}: ${flow.steps.map((s) => s.exchangeId).join(' ')}`);

/** The same redactor without numbered markers: what an export written before numbering looks like. */
const unnumbered = (redactor: Redactor): Redactor => ({ ...redactor, numbered: () => redactor });

describe('a redacted HAR export, audited again', () => {
  it.each(recordings)('%s: no new finding, and the flows pair as in the capture', async (name) => {
    const source = await sourceOf(name);
    const again = await reaudit(source);
    expect(added(source.analysis.findings, again.findings, findingKey)).toEqual([]);
    expect(pairing(again)).toEqual(pairing(source.analysis));
    expect(again.diagnoses.map((d) => d.kind)).toEqual(source.analysis.diagnoses.map((d) => d.kind));
  });

  it.each(recordings)('%s, with markers that carry no number: no new finding', async (name) => {
    const source = await sourceOf(name);
    const again = await reaudit(source, unnumbered(source.redactor));
    // Without numbers a code cannot always be paired, so a finding may move to the flow its request starts.
    expect(added(source.analysis.findings, again.findings, ruleKey)).toEqual([]);
  });

  it('keeps what the markers still prove: the secret sent from the browser, the replayed code, the reused refresh token', async () => {
    for (const [name, ruleId] of [
      ['client-secret-in-browser.har', 'client-secret-in-browser'],
      ['code-twice.har', 'code-replayed'],
      ['refresh-token-reused.har', 'refresh-token-reused'],
      ['refresh-token-not-rotated.har', 'refresh-token-not-rotated'],
    ] as const) {
      const source = await sourceOf(name);
      const expected = source.analysis.findings.filter((f) => f.ruleId === ruleId).map(findingKey);
      expect(expected.length, name).toBeGreaterThan(0);
      expect((await reaudit(source)).findings.filter((f) => f.ruleId === ruleId).map(findingKey), name).toEqual(expected);
    }
  });

  it('leaves PKCE not observable when the verifier was redacted, rather than mismatched', async () => {
    const source = await sourceOf('good.har');
    const again = await reaudit(source);
    expect(source.analysis.flows.map((f) => f.pkce.status)).toEqual(['match']);
    expect(again.flows.map((f) => f.pkce.status)).toEqual(['not-observable']);
    expect(again.flows[0]!.pkce.method).toBe('S256');
  });
});
