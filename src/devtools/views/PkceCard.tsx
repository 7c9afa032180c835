/** RFC 7636 §4.6 as the core recomputed it: verifier (masked), S256 of it, the challenge, and the verdict. */
import { pkceMethodText, pkceNearMissText, pkceStatusText } from '../../report/pkce.ts';
import { visible } from '../../report/text.ts';
import type { FlowItem } from '../sources.ts';
import { LongValue } from './LongValue.tsx';
import { Secret } from './Secret.tsx';

export function PkceCard({ item }: { item: FlowItem }) {
  const { pkce } = item.flow;
  const facts = { ...pkce, methodSent: item.flow.authorization?.codeChallengeMethod };
  return (
    <section class={`pkce card ${pkce.status}`} data-section="pkce" data-pkce-status={pkce.status}>
      <dl>
        <dt>Method</dt>
        <dd data-field="method">{visible(pkceMethodText(facts))}</dd>
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
          <code>{pkce.challenge !== undefined ? <LongValue value={pkce.challenge} /> : '—'}</code>
        </dd>
        <dt>Result</dt>
        <dd data-field="result" class={pkce.status === 'mismatch' ? 'bad' : pkce.status === 'match' ? 'good' : ''}>
          {pkceStatusText(facts)}
        </dd>
      </dl>
      {pkce.nearMiss && (
        <p class="near-miss" data-near-miss={pkce.nearMiss.kind}>
          <strong>{pkceNearMissText(pkce.nearMiss, { brief: true })}:</strong> {pkce.nearMiss.explanation}
        </p>
      )}
    </section>
  );
}
