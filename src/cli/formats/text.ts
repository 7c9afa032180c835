/**
 * `text`: the report for people in a terminal. One block per flow (its file, verdict, endpoints, PKCE, ID token
 * signatures, steps, findings with fix, citation and the rule's page, why it may be stuck, notes), then a summary.
 * Colour only when asked for (the CLI asks when stdout is a terminal and NO_COLOR is not set). Pure.
 */
import type { Verdict } from '../../core/model.ts';
import type { AuditReport, DiagnosisReport, ExchangeRef, FindingReport, FlowReport, InputReport, StepReport } from '../../core/report.ts';
import { diagnosisLines, LIKELIHOOD_LABEL } from '../../report/diagnoses.ts';
import { issuerSummary, responseSummary } from '../../report/flow-facts.ts';
import { signatureWords } from '../../report/id-token-signature.ts';
import { pkceSummary } from '../../report/pkce.ts';
import { redactedInputNotice } from '../../report/redacted-input.ts';
import { removedHeadersNotice } from '../../report/removed-headers.ts';
import { plural, visible } from '../../report/text.ts';
import { findingCounts } from '../../report/verdict.ts';

export interface TextOptions {
  color?: boolean;
}

type Paint = (text: string) => string;

interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
  green: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;
const PLAIN: Palette = { bold: (t) => t, dim: (t) => t, red: (t) => t, yellow: (t) => t, cyan: (t) => t, green: (t) => t };
const ANSI: Palette = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), green: sgr(32, 39) };

const SYMBOL = { error: '✖', warning: '▲', info: 'ℹ' } as const;

export function formatText(report: AuditReport, options: TextOptions = {}): string {
  const p = options.color ? ANSI : PLAIN;
  const verdict = (v: Verdict) => {
    const word = v.toUpperCase();
    return v === 'error'
      ? p.red(p.bold(word))
      : v === 'warning'
        ? p.yellow(p.bold(word))
        : v === 'info'
          ? p.cyan(p.bold(word))
          : p.green(p.bold(word));
  };
  const out: string[] = [];
  const many = report.inputs.length > 1;

  for (const input of report.inputs) {
    const file = visible(input.file);
    out.push(
      `${p.bold(`${file}`) + p.dim(` · ${plural(input.summary.exchanges, 'exchange')} · ${plural(input.flows.length, 'flow')}`)} · verdict ${verdict(input.summary.verdict)}`,
    );
    if (input.skippedEntries.length)
      out.push(
        p.dim(
          `  ${plural(input.skippedEntries.length, 'HAR entry', 'HAR entries')} skipped (${visible(input.skippedEntries[0]!)}${input.skippedEntries.length > 1 ? ', …' : ''})`,
        ),
      );
    const sanitized = removedHeadersNotice(input.headersRemoved, input.redactedExport);
    if (sanitized) out.push(p.yellow(`  ${sanitized}`));
    const redacted = redactedInputNotice(input.redactedExport);
    if (redacted) out.push(p.yellow(`  ${redacted}`));
    for (const problem of input.problems) out.push(p.red(`  analysis problem: ${visible(problem)}`));
    if (!input.flows.length) out.push(p.dim('  No OAuth authorization flow found in this input.'));
    out.push('');
    input.flows.forEach((flow, index) => {
      out.push(...flowBlock(flow, index, input, p, verdict));
      out.push('');
    });
    if (input.findings.length) {
      out.push(p.bold(`Findings not tied to a flow`) + p.dim(` · ${file}`));
      for (const finding of input.findings) out.push(...findingLines(finding, p, '  '));
      out.push('');
    }
    if (many) out.push(summaryLine(`Summary for ${file}`, input.summary, p, verdict), '');
  }

  const s = report.summary;
  out.push(summaryLine(many ? `Overall (${plural(s.inputs, 'input')})` : 'Summary', s, p, verdict));
  if (report.redacted) out.push(p.dim('Secrets are redacted; --show-secrets shows them.'));
  return `${out.join('\n')}\n`;
}

function summaryLine(title: string, s: InputReport['summary'], p: Palette, verdict: (v: Verdict) => string): string {
  return `${p.bold(title)}: ${plural(s.flows, 'flow')} · ${plural(s.exchanges, 'exchange')} · ${findingCounts(s.findings)} · verdict ${verdict(s.verdict)}`;
}

function flowBlock(flow: FlowReport, index: number, input: InputReport, p: Palette, verdict: (v: Verdict) => string): string[] {
  const lines: string[] = [];
  lines.push(
    `${p.bold(`Flow ${index + 1}/${input.flows.length}`)} ${visible(flow.id)} ${p.dim(`· ${visible(flow.file)}`)} · ${verdict(flow.verdict)}`,
  );
  const field = (name: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined) lines.push(`  ${p.dim(name.padEnd(14))}${visible(value)}`);
  };
  field('client_id', flow.clientId);
  field('issuer', issuerSummary(flow));
  field('authorization', flow.authorizationEndpoint);
  field('PAR endpoint', flow.parEndpoint);
  field('token', flow.tokenEndpoint);
  field('redirect_uri', flow.redirectUri);
  field('response', responseSummary(flow));
  field('PKCE', pkceSummary(flow.pkce));
  for (const check of flow.idTokenSignatures) {
    const words = signatureWords(check);
    const paint = words.standing === 'good' ? p.green : words.standing === 'bad' ? p.red : (t: string) => t;
    lines.push(`  ${p.dim('ID token'.padEnd(14))}${paint(visible(words.text))}  ${p.dim(`[${stepReference(check)}]`)}`);
  }

  lines.push(`  ${p.dim('steps')}`);
  const kindWidth = Math.max(...flow.steps.map((s) => s.kind.length), 4);
  for (const step of flow.steps) {
    const status = step.status === null ? '---' : String(step.status);
    const paired = step.pairedBy ? p.dim(`  (paired by ${step.pairedBy})`) : '';
    lines.push(
      `    ${String(step.index).padStart(2)}. ${step.kind.padEnd(kindWidth)}  ${step.method.padEnd(4)} ${status}  ${visible(step.url)}${paired}  ${p.dim(`[${stepReference(step)}]`)}`,
    );
  }
  if (!flow.findings.length) lines.push(`  ${p.dim('findings')}      ${p.green('none')}`);
  else {
    lines.push(`  ${p.dim('findings')}`);
    for (const finding of flow.findings) lines.push(...findingLines(finding, p, '    '));
  }
  if (flow.diagnostics.length) {
    lines.push(`  ${p.dim('why it may be stuck')}`);
    for (const diagnosis of flow.diagnostics) lines.push(...diagnosisBlock(diagnosis, p, '    '));
  }
  if (flow.notes.length) {
    lines.push(`  ${p.dim('notes')}`);
    for (const note of flow.notes) lines.push(`    - ${visible(note)}`);
  }
  return lines;
}

function findingLines(f: FindingReport, p: Palette, indent: string): string[] {
  const paint = f.severity === 'error' ? p.red : f.severity === 'warning' ? p.yellow : p.cyan;
  const lines = [`${indent}${paint(`${SYMBOL[f.severity]} ${f.severity.toUpperCase()}`)} ${p.bold(f.ruleId)} — ${visible(f.title)}`];
  const more = `${indent}    `;
  const labelled = (label: string, values: string[]) => {
    values.forEach((value, i) => {
      lines.push(`${more}${p.dim((i === 0 ? label : '').padEnd(10))}${value}`);
    });
  };
  lines.push(`${more}${visible(f.message)}`);
  if (f.evidence.length)
    labelled(
      'evidence',
      f.evidence.map((e) => `${visible(e.label)} = ${visible(e.value)}`),
    );
  if (f.exchanges.length) labelled('requests', f.exchanges.map(exchangeLine));
  labelled('fix', [visible(f.fix)]);
  const links = f.citationLinks.map((l) => (l.url ? `${l.label} ${p.dim(l.url)}` : l.label));
  labelled('see', links.length ? links : [visible(f.citation)]);
  labelled('docs', [visible(f.docsUrl)]);
  return lines;
}

/** A diagnosis: not a finding, so no severity; its title, how sure it is, then its hints worded, evidence and requests. */
function diagnosisBlock(d: DiagnosisReport, p: Palette, indent: string): string[] {
  const more = `${indent}    `;
  const lines = [`${indent}${p.cyan('?')} ${p.bold(d.kind)} — ${visible(d.title)} ${p.dim(`(${LIKELIHOOD_LABEL[d.likelihood]})`)}`];
  for (const line of diagnosisLines(d)) lines.push(`${more}- ${visible(line)}`);
  const labelled = (label: string, values: string[]) =>
    values.forEach((value, i) => {
      lines.push(`${more}${p.dim((i === 0 ? label : '').padEnd(10))}${value}`);
    });
  if (d.evidence.length)
    labelled(
      'evidence',
      d.evidence.map((e) => `${visible(e.label)} = ${visible(e.value)}`),
    );
  if (d.exchanges.length) labelled('requests', d.exchanges.map(exchangeLine));
  return lines;
}

function exchangeLine(x: ExchangeRef): string {
  return `${x.harEntry !== null ? `entry ${x.harEntry}` : x.id}${x.method ? `: ${x.method} ${visible(x.url ?? '')}${x.status !== null ? ` → ${x.status}` : ''}` : ''}`;
}

function stepReference(step: Pick<StepReport, 'exchangeId' | 'harEntry'>): string {
  return step.harEntry !== null ? `entry ${step.harEntry}` : step.exchangeId;
}
