/**
 * `sarif`: SARIF 2.1.0 for code-scanning tools. One run; `tool.driver.rules` lists every rule of the
 * registry (id, name, descriptions, help with the cited spec sections linked, helpUri to the rule's page
 * docs/rules/<id>.md, default level); each finding is a result located in its HAR file, with the flow and the
 * HAR entries as logical locations. The flows are the run's logical locations, each with its stuck-flow
 * diagnostics and ID token signatures in its properties (never results). Pure.
 */
import { citationLinks } from '../../core/citations.ts';
import type { Severity } from '../../core/model.ts';
import { allFindings, type AuditReport, type FindingReport } from '../../core/report.ts';
import { ruleDocsUrl } from '../../core/rule-docs.ts';
import type { RuleMeta } from '../../core/rules/rule.ts';
import { diagnosisLines } from '../../report/diagnoses.ts';
import { signatureWords } from '../../report/id-token-signature.ts';
import { redactedInputNotice } from '../../report/redacted-input.ts';
import { removedHeadersNotice } from '../../report/removed-headers.ts';
import { TOOL_DISPLAY_NAME } from '../../report/version.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };
/** GitHub code scanning ranks security alerts by this score (critical ≥ 9, high ≥ 7, medium ≥ 4, low). */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

/** `pkce-challenge-mismatch` → `PkceChallengeMismatch`. */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** A relative path stays relative (forward slashes, percent-encoded); an absolute one becomes a file: URI. */
export function artifactUri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  const encode = (path: string) =>
    path
      .split('/')
      .map((segment) => encodeURIComponent(segment))
      .join('/');
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${slashed.slice(0, 2)}${encode(slashed.slice(2))}`;
  if (slashed.startsWith('/')) return `file://${encode(slashed)}`;
  return encode(slashed);
}

interface RuleDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: Record<string, unknown>;
}

function descriptor(meta: Pick<RuleMeta, 'id' | 'severity' | 'title' | 'citation' | 'fix'> & { evidence?: string }): RuleDescriptor {
  const links = citationLinks(meta.citation);
  const helpUri = ruleDocsUrl(meta.id);
  const markdownLinks = links.map((l) => (l.url ? `[${l.label}](${l.url})` : l.label)).join(', ');
  return {
    id: meta.id,
    name: ruleName(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: `${meta.title}. Fix: ${meta.fix}. See ${meta.citation}.` },
    help: {
      text: `Fix: ${meta.fix}. See ${meta.citation}.`,
      markdown: `**Fix:** ${meta.fix}\n\n**See:** ${markdownLinks || meta.citation}\n\n**Learn more:** [${meta.id}.md](${helpUri})`,
    },
    helpUri,
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: ['security', 'oauth'],
      'security-severity': SECURITY_SEVERITY[meta.severity],
      citation: meta.citation,
      citationUrls: links.map((l) => l.url).filter((u): u is string => u !== undefined),
      ...(meta.evidence ? { evidence: meta.evidence } : {}),
    },
  };
}

function indexOf(index: number | undefined): { index: number } | Record<string, never> {
  return index !== undefined ? { index } : {};
}

export interface SarifOptions {
  /** The rule registry's metadata, in registry order. */
  rules: readonly RuleMeta[];
  /** Where the run's documentation lives (optional). */
  informationUri?: string;
}

export function formatSarif(report: AuditReport, options: SarifOptions): object {
  const rules = options.rules.map(descriptor);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  // A finding from a rule that is not registered (should not happen) still gets a descriptor.
  const ensureRule = (f: FindingReport): number => {
    let index = ruleIndex.get(f.ruleId);
    if (index === undefined) {
      index = rules.push(descriptor({ id: f.ruleId, severity: f.severity, title: f.title, citation: f.citation, fix: f.fix })) - 1;
      ruleIndex.set(f.ruleId, index);
    }
    return index;
  };

  // Every flow is a logical location of the run (SARIF 2.1.0 §3.14.17), and its stuck-flow diagnoses and ID
  // token signatures live in its property bag (§3.8): they are not results, so no code-scanning alert is ever raised for one, yet every
  // SARIF reader keeps them. Results point at their flow's entry by index (§3.33.3).
  const flowLocations = report.inputs.flatMap((input) =>
    input.flows.map((flow) => ({
      name: flow.id,
      fullyQualifiedName: `${input.file}#${flow.id}`,
      kind: 'module',
      properties: {
        file: input.file,
        verdict: flow.verdict,
        diagnostics: flow.diagnostics.map((d) => ({
          ...d,
          harEntries: d.exchanges.map((x) => x.harEntry).filter((e): e is number => e !== null),
          text: diagnosisLines(d),
        })),
        idTokenSignatures: flow.idTokenSignatures.map((check) => ({ ...check, text: signatureWords(check).text })),
      },
    })),
  );
  const flowIndex = new Map(flowLocations.map((l, i) => [l.fullyQualifiedName, i]));

  const results: object[] = [];
  const notifications: object[] = [];
  report.inputs.forEach((input, artifactIndex) => {
    const uri = artifactUri(input.file);
    for (const f of allFindings(input)) {
      const flowName = `${input.file}#${f.flowId}`;
      const logicalLocations = [
        ...(f.flowId !== null
          ? [{ name: f.flowId, fullyQualifiedName: flowName, kind: 'module', ...indexOf(flowIndex.get(flowName)) }]
          : []),
        ...f.exchanges.map((x) => ({
          name: x.harEntry !== null ? `log.entries[${x.harEntry}]` : x.id,
          fullyQualifiedName: `${input.file}#${x.harEntry !== null ? `log.entries[${x.harEntry}]` : x.id}`,
          kind: 'object',
        })),
      ];
      results.push({
        ruleId: f.ruleId,
        ruleIndex: ensureRule(f),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            // A HAR has no meaningful line for an entry; the file itself is the location, the entries are logical.
            physicalLocation: { artifactLocation: { uri, index: artifactIndex }, region: { startLine: 1 } },
            ...(logicalLocations.length ? { logicalLocations } : {}),
          },
        ],
        partialFingerprints: { 'oauthLensFinding/v1': [f.ruleId, f.flowId ?? '', ...f.exchanges.map((x) => x.id)].join('|') },
        properties: {
          file: input.file,
          flowId: f.flowId,
          exchangeIds: f.exchanges.map((x) => x.id),
          harEntries: f.exchanges.map((x) => x.harEntry).filter((e): e is number => e !== null),
          title: f.title,
          citation: f.citation,
          citationUrls: f.citationLinks.map((l) => l.url).filter((u): u is string => u !== null),
          fix: f.fix,
          evidence: f.evidence,
        },
      });
    }
    if (input.skippedEntries.length) {
      notifications.push({
        level: 'warning',
        message: { text: `${input.file}: ${input.skippedEntries.length} HAR entries skipped (first: ${input.skippedEntries[0]})` },
        locations: [{ physicalLocation: { artifactLocation: { uri, index: artifactIndex } } }],
      });
    }
    for (const notice of [removedHeadersNotice(input.headersRemoved, input.redactedExport), redactedInputNotice(input.redactedExport)]) {
      if (!notice) continue;
      notifications.push({
        level: 'note',
        message: { text: `${input.file}: ${notice}` },
        locations: [{ physicalLocation: { artifactLocation: { uri, index: artifactIndex } } }],
      });
    }
    for (const problem of input.problems) {
      notifications.push({
        level: 'error',
        message: { text: `${input.file}: ${problem}` },
        locations: [{ physicalLocation: { artifactLocation: { uri, index: artifactIndex } } }],
      });
    }
  });

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_DISPLAY_NAME,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
        ...(flowLocations.length ? { logicalLocations: flowLocations } : {}),
        artifacts: report.inputs.map((input) => ({
          location: { uri: artifactUri(input.file) },
          mimeType: 'application/json',
          properties: { flows: input.summary.flows, exchanges: input.summary.exchanges, verdict: input.summary.verdict },
        })),
        results,
        properties: {
          reportFormat: report.format,
          schemaVersion: report.schemaVersion,
          redacted: report.redacted,
          summary: report.summary,
        },
      },
    ],
  };
}
