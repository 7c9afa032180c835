/**
 * `oauth-lens audit` shows a flow's stuck-flow diagnoses in every format, as data in JSON and SARIF and worded
 * by src/report/diagnoses.ts in text and Markdown; they are never findings and never change the exit status.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/report.ts';
import { rules } from '../../src/core/rules/index.ts';
import { diagnosisLines } from '../../src/report/diagnoses.ts';
import { mdText } from '../../src/report/markdown.ts';
import { visible } from '../../src/report/text.ts';
import { cli, FIXTURE } from './support.ts';

/** The demo's stuck sign-in: the callback arrives in a new tab that has no record of the state, and no token request follows. */
const STUCK = fileURLToPath(new URL('../fixtures/demo/state-lost-new-tab.har', import.meta.url));

async function jsonReport(file: string): Promise<AuditReport> {
  return JSON.parse((await cli(['audit', '-f', 'json', file])).stdout) as AuditReport;
}

describe('why a flow may be stuck, in every format', () => {
  it('json: flows[].diagnostics, as data (schema 1.1)', async () => {
    const report = await jsonReport(STUCK);
    expect(report.schemaVersion).toBe('1.3');
    const [stuck, again] = report.inputs[0]!.flows;
    expect(stuck!.diagnostics.map((d) => [d.kind, d.likelihood])).toEqual([
      ['state-lost', 'likely'],
      ['no-token-request', 'possible'],
    ]);
    for (const d of stuck!.diagnostics) {
      expect(Object.keys(d).sort()).toEqual(['evidence', 'exchanges', 'file', 'flowId', 'hints', 'id', 'kind', 'likelihood', 'title']);
      expect(d).toMatchObject({ flowId: stuck!.id, file: STUCK });
      expect(d.exchanges.every((x) => x.harEntry !== null && x.method !== null)).toBe(true);
    }
    expect(stuck!.diagnostics[0]!.hints).toEqual([expect.objectContaining({ kind: 'app-started-over', clientId: 'spa' })]);
    // A diagnosis is not a finding: the stuck flow passes every rule.
    expect(stuck!.findings).toEqual([]);
    expect(stuck!.verdict).toBe('pass');
    expect(again!.diagnostics).toEqual([]);
  });

  it('json: a clean sign-in has none', async () => {
    const report = await jsonReport(FIXTURE);
    expect(report.inputs[0]!.flows.map((f) => f.diagnostics)).toEqual([[]]);
  });

  it('text: under the flow, each diagnosis with its hints worded', async () => {
    const report = await jsonReport(STUCK);
    const text = (await cli(['audit', STUCK])).stdout;
    const [stuckBlock, againBlock] = text.split(/^Flow 2\/2 /m);
    for (const d of report.inputs[0]!.flows[0]!.diagnostics) {
      expect(stuckBlock).toContain(`${d.kind} — ${d.title}`);
      for (const line of diagnosisLines(d)) expect(stuckBlock).toContain(`- ${visible(line)}`);
    }
    expect(againBlock).not.toContain('why it may be stuck');
    const clean = (await cli(['audit', FIXTURE])).stdout;
    expect(clean).not.toContain('why it may be stuck');
    expect(text).toContain('why it may be stuck');
  });

  it('markdown: under the flow, each diagnosis with its hints worded', async () => {
    const report = await jsonReport(STUCK);
    const md = (await cli(['audit', '-f', 'markdown', STUCK])).stdout;
    const [stuckSection, againSection] = md.split(/^## Flow 2\/2 /m);
    expect(stuckSection).toContain('**Why it may be stuck**');
    for (const d of report.inputs[0]!.flows[0]!.diagnostics) {
      expect(stuckSection).toContain(`\`${d.kind}\``);
      for (const line of diagnosisLines(d)) expect(stuckSection).toContain(mdText(line));
    }
    expect(againSection).not.toContain('Why it may be stuck');
    expect((await cli(['audit', '-f', 'markdown', FIXTURE])).stdout).not.toContain('Why it may be stuck');
  });

  it('sarif: in the properties of each flow, a logical location of the run, never a result', async () => {
    const sarif = JSON.parse((await cli(['audit', '-f', 'sarif', STUCK])).stdout);
    const [run] = sarif.runs;
    expect(run.logicalLocations.map((l: { name: string; kind: string }) => [l.name, l.kind])).toEqual([
      ['flow-har-2', 'module'],
      ['flow-har-10', 'module'],
    ]);
    const [stuck, again] = run.logicalLocations;
    expect(stuck.fullyQualifiedName).toBe(`${STUCK}#flow-har-2`);
    expect(stuck.properties.diagnostics.map((d: { kind: string }) => d.kind)).toEqual(['state-lost', 'no-token-request']);
    expect(stuck.properties.diagnostics[0].text).toEqual(diagnosisLines(stuck.properties.diagnostics[0]));
    expect(again.properties.diagnostics).toEqual([]);
    const ruleIds = new Set<string>(rules.map((r) => r.meta.id));
    expect(run.results.every((r: { ruleId: string }) => ruleIds.has(r.ruleId))).toBe(true);
  });

  it('sarif: a result points at its flow among the run logical locations', async () => {
    const mismatch = fileURLToPath(new URL('../fixtures/demo/redirect-uri-trailing-slash.har', import.meta.url));
    const [run] = JSON.parse((await cli(['audit', '-f', 'sarif', mismatch])).stdout).runs;
    const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'redirect-uri-token-mismatch');
    const [flowLocation] = result.locations[0].logicalLocations;
    expect(run.logicalLocations[flowLocation.index]).toMatchObject({
      name: flowLocation.name,
      fullyQualifiedName: flowLocation.fullyQualifiedName,
    });
    expect(run.logicalLocations[flowLocation.index].properties.diagnostics.map((d: { kind: string }) => d.kind)).toEqual(['invalid-grant']);
  });

  it('never change the exit status', async () => {
    expect((await cli(['audit', '--fail-on', 'info', STUCK])).code).toBe(0);
  });
});
