/** Small helpers the report formats share. Pure. */
import type { FlowReport, PkceReport, StepReport } from '../../core/report.ts';

/**
 * Make control characters visible (`\n`, `\u001b`): a trailing newline in a verifier is exactly the bug to
 * show, and a HAR must not be able to drive the terminal with escape sequences.
 */
export function visible(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    switch (ch) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

/** As `visible`, for text shown as lines (a response body): line breaks and tabs stay, CRLF becomes LF. */
export function visibleLines(value: string): string {
  return value.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => visible(ch));
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

const PKCE_STATUS: Record<PkceReport['status'], string> = {
  match: 'the verifier matches the challenge',
  mismatch: 'the verifier does NOT match the challenge',
  'no-challenge': 'no code_challenge was sent',
  'no-verifier': 'a challenge was sent but the token request has no code_verifier',
  'not-observable': 'not observable (no token request seen for this flow)',
};

/** `S256 · the verifier matches the challenge` (and the near miss, when there is one). */
export function pkceSummary(pkce: PkceReport): string {
  const method =
    pkce.method === 'absent'
      ? pkce.challenge !== null
        ? 'no method (plain applies)'
        : 'none'
      : pkce.method === 'other'
        ? `unknown method ${pkce.methodSent ?? ''}`.trim()
        : pkce.method;
  const near = pkce.nearMiss ? ` — near miss (${pkce.nearMiss.kind}): ${pkce.nearMiss.explanation}` : '';
  return `${method} · ${PKCE_STATUS[pkce.status]}${near}`;
}

/** `code · mode form_post` / `code · mode default (query)`. */
export function responseSummary(flow: FlowReport): string {
  const type = flow.responseType ?? 'not observed';
  const mode = flow.responseMode ?? (flow.callbackMode ? `default (${flow.callbackMode})` : 'default');
  return `${type} · mode ${mode}`;
}

export function issuerSummary(flow: FlowReport): string | undefined {
  if (flow.issuer === null) return undefined;
  const source = {
    metadata: 'from discovery metadata',
    iss: 'from the iss parameter',
    'authorization-origin': 'the authorization endpoint origin',
  } as const;
  return flow.issuerSource ? `${flow.issuer} (${source[flow.issuerSource]})` : flow.issuer;
}

export function stepReference(step: Pick<StepReport, 'exchangeId' | 'harEntry'>): string {
  return step.harEntry !== null ? `entry ${step.harEntry}` : step.exchangeId;
}
