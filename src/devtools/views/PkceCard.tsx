/** RFC 7636 §4.6 as the core recomputed it: verifier (masked), S256 of it, the challenge, and the verdict. */
import { visible } from '../../cli/formats/common.ts';
import type { FlowItem } from '../sources.ts';
import { Secret } from './Secret.tsx';

const STATUS_TEXT = {
  match: 'the verifier matches the challenge',
  mismatch: 'the verifier does NOT match the challenge',
  'no-challenge': 'no code_challenge was sent',
  'no-verifier': 'a challenge was sent, but no code_verifier reached the token endpoint',
  'not-observable': 'not observable (the authorization request or the token request was not seen)',
} as const;

export function PkceCard({ item }: { item: FlowItem }) {
  const { pkce } = item.flow;
  const method = item.flow.authorization?.codeChallengeMethod;
  return (
    <section class={`pkce card ${pkce.status}`} data-section="pkce" data-pkce-status={pkce.status}>
      <dl>
        <dt>Method</dt>
        <dd data-field="method">{method !== undefined ? visible(method) : pkce.challenge ? 'none sent (plain applies)' : 'none'}</dd>
        <dt>code_verifier</dt>
        <dd data-field="verifier">
          {pkce.verifier !== undefined ? (
            <Secret id={`${item.key}/pkce/verifier`} label="code_verifier" value={pkce.verifier} />
          ) : (
            <span class="muted">not seen</span>
          )}
        </dd>
        <dt>S256(verifier)</dt>
        <dd data-field="computed">
          <code>{pkce.computedS256 ?? '—'}</code>
        </dd>
        <dt>code_challenge</dt>
        <dd data-field="challenge">
          <code>{pkce.challenge !== undefined ? visible(pkce.challenge) : '—'}</code>
        </dd>
        <dt>Result</dt>
        <dd data-field="result" class={pkce.status === 'mismatch' ? 'bad' : pkce.status === 'match' ? 'good' : ''}>
          {STATUS_TEXT[pkce.status]}
        </dd>
      </dl>
      {pkce.nearMiss && (
        <p class="near-miss" data-near-miss={pkce.nearMiss.kind}>
          <strong>Near miss: {pkce.nearMiss.kind}.</strong> {pkce.nearMiss.explanation}
          {pkce.nearMiss.otherFlowId && <> (the verifier answers flow {pkce.nearMiss.otherFlowId})</>}
        </p>
      )}
    </section>
  );
}
