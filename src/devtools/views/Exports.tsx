/**
 * Export this flow: JSON report (the CLI's schema), Markdown (the CLI's formatter, src/report), a HAR of its exchanges,
 * and the token request as curl. All redacted unless "reveal secrets" is on.
 */
import { useState } from 'preact/hooks';
import { firstTokenRequestOf } from '../../core/flow-facts.ts';
import { noRedaction } from '../../core/redact.ts';
import { curlCommand } from '../curl.ts';
import { exchangesToHar } from '../export-har.ts';
import { jsonText } from '../../report/json.ts';
import { TOOL_VERSION } from '../../report/version.ts';
import { reportJson, reportMarkdown, sourceReport } from '../export-report.ts';
import type { FlowItem } from '../sources.ts';
import { useStore } from './context.ts';
import { copyText, download, safeFileName } from './download.ts';

export function Exports({ item }: { item: FlowItem }) {
  const store = useStore();
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const redact = !store.revealAll.value;
  const redactor = redact ? item.source.redactor : noRedaction;
  const base = safeFileName(`oauth-${item.clientId ?? 'flow'}-${item.flow.id}`);
  const tokenRequest = firstTokenRequestOf(item.flow);
  const curl = tokenRequest ? curlCommand(tokenRequest.exchange, redactor) : undefined;

  const exchanges = () => {
    const ids = new Set(item.flow.steps.map((s) => s.exchangeId));
    return item.source.exchanges.filter((e) => ids.has(e.id));
  };
  const copyCurl = async () => {
    if (!curl) return;
    // Without clipboard access the command is still shown below, to copy by hand.
    setCopied((await copyText(curl)) ? 'copied' : 'select the command below to copy it');
  };
  return (
    <div class="exports" data-section="exports">
      <span class="muted">Export</span>
      <button
        type="button"
        data-export="json"
        title="This flow as a JSON report (the CLI's schema)"
        onClick={() => download(`${base}.json`, reportJson(sourceReport(item.source, { redact, flow: item.flow })), 'application/json')}
      >
        JSON
      </button>
      <button
        type="button"
        data-export="markdown"
        title="This flow as a Markdown report"
        onClick={() => download(`${base}.md`, reportMarkdown(sourceReport(item.source, { redact, flow: item.flow })), 'text/markdown')}
      >
        Markdown
      </button>
      <button
        type="button"
        data-export="har"
        title="This flow's exchanges as a HAR file"
        onClick={() =>
          download(`${base}.har`, jsonText(exchangesToHar(exchanges(), { redactor, toolVersion: TOOL_VERSION })), 'application/json')
        }
      >
        HAR
      </button>
      {curl && (
        <button type="button" data-export="curl" title="Copy the token request as a curl command" onClick={() => void copyCurl()}>
          Copy as curl
        </button>
      )}
      <span class="muted">
        {redact ? 'secrets redacted' : 'secrets NOT redacted'}
        {copied ? ` · ${copied}` : ''}
      </span>
      {curl && (
        <details>
          <summary>curl command</summary>
          <pre data-field="curl">{curl}</pre>
        </details>
      )}
    </div>
  );
}
