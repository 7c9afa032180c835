/**
 * `markdown`: a report to paste into a ticket (GitHub-flavoured): a summary table, then per flow its
 * facts, a steps table, the findings with citation links, fixes and a link to the rule's page, and why it may
 * be stuck. Pure.
 */
import type { Verdict } from '../core/model.ts';
import type {
  AuditReport,
  CitationLinkReport,
  DiagnosisReport,
  ExchangeRef,
  FindingReport,
  FlowReport,
  InputReport,
} from '../core/report.ts';
import { diagnosisLines, LIKELIHOOD_LABEL } from './diagnoses.ts';
import { issuerSummary, responseSummary } from './flow-facts.ts';
import { signatureWords } from './id-token-signature.ts';
import { pkceSummary } from './pkce.ts';
import { redactedInputNotice } from './redacted-input.ts';
import { removedHeadersNotice } from './removed-headers.ts';
import { visible } from './text.ts';

const VERDICT: Record<Verdict, string> = { error: '🔴 error', warning: '🟠 warning', info: '🔵 info', pass: '✅ pass' };
const SEVERITY = { error: '🔴 **error**', warning: '🟠 **warning**', info: '🔵 **info**' } as const;

/** Escape text so Markdown shows it literally. */
export function mdText(value: string): string {
  const word = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9]/.test(ch);
  return (
    visible(value)
      .replace(/[\\`*[\]<>|~]/g, '\\$&')
      // An underscore inside a word (`redirect_uri`) never starts emphasis in GFM: keep the text readable.
      .replace(/_/g, (_m, at: number, s: string) => (word(s[at - 1]) && word(s[at + 1]) ? '_' : '\\_'))
      .replace(/^([#>+-])/, '\\$1')
  );
}

/** An inline code span that survives backticks in the value. */
export function mdCode(value: string): string {
  const text = visible(value);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Inside a table cell a `|` ends the cell even within a code span: escape it there too. */
const cell = (markdown: string) => markdown.replace(/\|/g, '\\|');

/** `[RFC 6749 §4.1.2](…), [§10.12](…); [RFC 9700 §4.7.1](…)`: the citation as written, each part linked. */
export function mdCitation(links: readonly CitationLinkReport[], fallback: string): string {
  if (!links.length) return mdText(fallback);
  let out = '';
  links.forEach((link, i) => {
    if (i > 0) out += links[i - 1]!.spec === link.spec ? ', ' : '; ';
    out += link.url ? `[${mdText(link.text)}](${link.url})` : mdText(link.text);
  });
  return out;
}

export function formatMarkdown(report: AuditReport): string {
  const out: string[] = ['# OAuth Lens audit', ''];
  out.push('| Input | Flows | Exchanges | Errors | Warnings | Info | Verdict |', '|---|--:|--:|--:|--:|--:|---|');
  for (const input of report.inputs) {
    const s = input.summary;
    out.push(
      `| ${cell(mdCode(input.file))} | ${s.flows} | ${s.exchanges} | ${s.findings.error} | ${s.findings.warning} | ${s.findings.info} | ${VERDICT[s.verdict]} |`,
    );
  }
  if (report.inputs.length > 1) {
    const s = report.summary;
    out.push(
      `| **All ${s.inputs} inputs** | ${s.flows} | ${s.exchanges} | ${s.findings.error} | ${s.findings.warning} | ${s.findings.info} | ${VERDICT[s.verdict]} |`,
    );
  }
  out.push('');
  if (report.redacted) out.push('_Secrets are redacted._', '');

  for (const input of report.inputs) {
    if (input.skippedEntries.length)
      out.push(
        `> ${mdCode(input.file)}: ${input.skippedEntries.length} HAR entries skipped (first: ${mdText(input.skippedEntries[0]!)}).`,
        '',
      );
    const sanitized = removedHeadersNotice(input.headersRemoved, input.redactedExport);
    if (sanitized) out.push(`> ${mdCode(input.file)}: ${mdText(sanitized)}`, '');
    const redacted = redactedInputNotice(input.redactedExport);
    if (redacted) out.push(`> ${mdCode(input.file)}: ${mdText(redacted)}`, '');
    for (const problem of input.problems) out.push(`> ${mdCode(input.file)}: analysis problem: ${mdText(problem)}`, '');
    if (!input.flows.length) out.push(`${mdCode(input.file)}: no OAuth authorization flow found.`, '');
    input.flows.forEach((flow, index) => {
      out.push(...flowSection(flow, index, input));
    });
    if (input.findings.length) {
      out.push(`## Findings not tied to a flow · ${mdCode(input.file)}`, '');
      for (const finding of input.findings) out.push(...findingItem(finding));
      out.push('');
    }
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function flowSection(flow: FlowReport, index: number, input: InputReport): string[] {
  const out = [`## Flow ${index + 1}/${input.flows.length} ${mdCode(flow.id)} · ${mdCode(flow.file)} · ${VERDICT[flow.verdict]}`, ''];
  const facts: [string, string | null | undefined][] = [
    ['client_id', flow.clientId],
    ['Issuer', issuerSummary(flow)],
    ['Authorization endpoint', flow.authorizationEndpoint],
    ['PAR endpoint', flow.parEndpoint],
    ['Token endpoint', flow.tokenEndpoint],
    ['redirect_uri', flow.redirectUri],
    ['Response', responseSummary(flow)],
    ['PKCE', pkceSummary(flow.pkce)],
  ];
  for (const [name, value] of facts)
    if (value !== null && value !== undefined)
      out.push(`- **${name}:** ${name === 'Issuer' || name === 'Response' || name === 'PKCE' ? mdText(value) : mdCode(value)}`);
  for (const check of flow.idTokenSignatures) {
    const entry = check.harEntry !== null ? `entry ${check.harEntry}` : mdCode(check.exchangeId);
    out.push(`- **ID token:** ${mdText(signatureWords(check).text)} (${entry})`);
  }
  out.push('', '**Steps**', '', '| # | Step | Request | Status | Paired by | Entry |', '|--:|---|---|--:|---|---|');
  for (const step of flow.steps) {
    const entry = step.harEntry !== null ? String(step.harEntry) : mdCode(step.exchangeId);
    out.push(
      `| ${step.index} | ${step.kind} | ${cell(mdCode(`${step.method} ${step.url}`))} | ${step.status ?? '—'} | ${step.pairedBy ?? ''} | ${cell(entry)} |`,
    );
  }
  out.push('', '**Findings**', '');
  if (!flow.findings.length) out.push('No findings.');
  for (const finding of flow.findings) out.push(...findingItem(finding));
  if (flow.diagnostics.length) {
    out.push('', '**Why it may be stuck**', '');
    for (const diagnosis of flow.diagnostics) out.push(...diagnosisItem(diagnosis));
  }
  if (flow.notes.length) {
    out.push('', '**Notes**', '');
    for (const note of flow.notes) out.push(`- ${mdText(note)}`);
  }
  out.push('');
  return out;
}

function findingItem(f: FindingReport): string[] {
  const body = [
    mdText(f.message),
    `**Fix:** ${mdText(f.fix)}`,
    `**See:** ${mdCitation(f.citationLinks, f.citation)}`,
    `**Learn more:** [${mdText(`${f.ruleId}.md`)}](${f.docsUrl})`,
  ];
  if (f.evidence.length) body.push(`**Evidence:** ${f.evidence.map((e) => `${mdText(e.label)}: ${mdCode(e.value)}`).join('; ')}`);
  if (f.exchanges.length) body.push(`**Requests:** ${f.exchanges.map(exchangeRef).join(', ')}`);
  return listItem(`${SEVERITY[f.severity]} ${mdCode(f.ruleId)} — ${mdText(f.title)}`, body);
}

/** A diagnosis: not a finding (no severity); its title, how sure it is, its hints worded, evidence and requests. */
function diagnosisItem(d: DiagnosisReport): string[] {
  const body = diagnosisLines(d).map((line) => `• ${mdText(line)}`);
  if (d.evidence.length) body.push(`**Evidence:** ${d.evidence.map((e) => `${mdText(e.label)}: ${mdCode(e.value)}`).join('; ')}`);
  if (d.exchanges.length) body.push(`**Requests:** ${d.exchanges.map(exchangeRef).join(', ')}`);
  return listItem(`**${mdText(d.title)}** ${mdCode(d.kind)} · ${LIKELIHOOD_LABEL[d.likelihood]}`, body);
}

function exchangeRef(x: ExchangeRef): string {
  const where = x.harEntry !== null ? `entry ${x.harEntry}` : mdCode(x.id);
  const request = x.method ? ` ${mdCode(`${x.method} ${x.url ?? ''}`)}` : '';
  return `${where}${request}${x.status !== null ? ` → ${x.status}` : ''}`;
}

/** A list item of lines: two trailing spaces are a hard line break inside it. */
function listItem(head: string, body: readonly string[]): string[] {
  return [`- ${head}  `, ...body.map((line, i) => `  ${line}${i < body.length - 1 ? '  ' : ''}`)];
}
