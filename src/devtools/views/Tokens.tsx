/** Tokens the flow received: JWTs decoded without verification (header, claims, times), opaque ones said so. */
import { visible } from '../../cli/formats/common.ts';
import { relativeTime, tokensOf, type TokenView } from '../detail.ts';
import type { FlowItem } from '../sources.ts';
import { useStore } from './context.ts';
import { Secret } from './Secret.tsx';

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

export function Tokens({ item }: { item: FlowItem }) {
  const tokens = tokensOf(item.flow);
  if (!tokens.length) {
    return <p class="muted" data-section="tokens" data-empty="true">No token seen. The live capture never sees response bodies; import a HAR (or open DevTools before signing in and export one) to decode tokens.</p>;
  }
  return <div data-section="tokens">{tokens.map((t) => <TokenCard key={t.id} item={item} token={t} />)}</div>;
}

function TokenCard({ item, token }: { item: FlowItem; token: TokenView }) {
  const store = useStore();
  const revealKey = `${item.key}/token/${token.id}`;
  // Claims identify the user (sub, email): they stay hidden with the token until it is revealed.
  const shown = store.revealAll.value || store.revealed.value.has(revealKey);
  const now = Date.now();
  return (
    <section class="token card" data-token={token.name} data-token-kind={token.decoded ? (token.decoded.ok ? 'jwt' : 'undecodable') : 'opaque'}>
      <h4>{token.name} <span class="muted">from the {token.from}</span></h4>
      <Secret id={revealKey} label={token.name} value={token.value} />
      {!token.decoded ? (
        <p class="muted">Opaque token: not a JWT, nothing to decode.</p>
      ) : !token.decoded.ok ? (
        <p class="muted">{visible(token.decoded.problem)}</p>
      ) : !shown ? (
        <p class="muted">JWT: reveal it to see its header and claims.</p>
      ) : (
        <div class="jwt">
          <h5>Header</h5>
          {/* JSON.stringify escapes control characters inside strings: its newlines are layout. */}
          <pre>{JSON.stringify(token.decoded.header, null, 2)}</pre>
          <h5>Claims</h5>
          <dl>
            {Object.entries(token.decoded.claims).map(([name, value]) => [
              <dt key={`n${name}`}>{visible(name)}</dt>,
              <dd key={`v${name}`} data-claim={name}>
                <code>{visible(typeof value === 'string' ? value : JSON.stringify(value))}</code>
                {TIME_CLAIMS.has(name) && typeof value === 'number' && <span class="muted"> ({new Date(value * 1000).toISOString()}, {relativeTime(value, now)})</span>}
              </dd>,
            ])}
          </dl>
        </div>
      )}
    </section>
  );
}
