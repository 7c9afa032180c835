/** Tokens the flow received: JWTs decoded without verification (header, claims, times), opaque ones said so. */
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { signatureCheckOf } from '../../core/id-token-signature.ts';
import { signatureWords } from '../../report/id-token-signature.ts';
import { visible } from '../../report/text.ts';
import { claimTime, tokensOf, type TokenView } from '../detail.ts';
import type { FlowItem } from '../sources.ts';
import { useStore } from './context.ts';
import { LongValue } from './LongValue.tsx';
import { Secret } from './Secret.tsx';

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

export function Tokens({ item }: { item: FlowItem }) {
  const tokens = tokensOf(item.flow);
  if (!tokens.length) {
    return (
      <p class="muted" data-section="tokens" data-empty="true">
        No token seen. The live capture never sees response bodies; import a HAR (or open DevTools before signing in and export one) to
        decode tokens.
      </p>
    );
  }
  return (
    <div data-section="tokens">
      {tokens.map((t) => (
        <TokenCard key={t.id} item={item} token={t} />
      ))}
    </div>
  );
}

function TokenCard({ item, token }: { item: FlowItem; token: TokenView }) {
  const store = useStore();
  const revealKey = `${item.key}/token/${token.id}`;
  // Claims identify the user (sub, email): they stay hidden with the token until it is revealed.
  const shown = store.revealAll.value || store.revealed.value.has(revealKey);
  const { decoded } = token;
  return (
    <section class="token card" data-token={token.name} data-token-kind={decoded ? (decoded.ok ? 'jwt' : 'undecodable') : 'opaque'}>
      <h4>
        {token.name}{' '}
        <span class="muted">
          from the {token.from} · {token.value.length.toLocaleString('en')} characters
        </span>
      </h4>
      <Secret id={revealKey} label={token.name} value={token.value} />
      {token.name === 'id_token' && <Signature item={item} token={token.value} />}
      {!decoded ? (
        <p class="muted" data-field="token-format">
          {token.notJwt ? `Opaque token, not a JWT: ${visible(token.notJwt)}.` : 'Opaque token: not a JWT, nothing to decode.'}
        </p>
      ) : !decoded.ok ? (
        <>
          {/* A JWE is well formed, only encrypted for the client: not a fault. */}
          <p class={decoded.encrypted ? 'muted' : 'bad'} data-field="jwt-problem">
            Does not decode as a JWT: {visible(decoded.problem)}.
          </p>
          {decoded.header &&
            (shown ? <JoseHeader header={decoded.header} /> : <p class="muted">Reveal it to see the header that did decode.</p>)}
        </>
      ) : !shown ? (
        <>
          {decoded.signatureProblem && <SignatureProblem problem={decoded.signatureProblem} />}
          <p class="muted">JWT: reveal it to see its header and claims.</p>
        </>
      ) : (
        <div class="jwt">
          {decoded.signatureProblem && <SignatureProblem problem={decoded.signatureProblem} />}
          <JoseHeader header={decoded.header} />
          <Claims claims={decoded.claims} />
        </div>
      )}
    </section>
  );
}

/** Checked against the issuer's observed JWKS only: "verified" names the key, otherwise "not observable". */
function Signature({ item, token }: { item: FlowItem; token: string }) {
  const words = signatureWords(signatureCheckOf(item.flow, token));
  return (
    <p class={words.standing === 'good' ? 'good' : words.standing === 'bad' ? 'bad' : 'muted'} data-field="signature">
      {visible(words.text)}
    </p>
  );
}

function SignatureProblem({ problem }: { problem: string }) {
  return (
    <p class="bad" data-field="signature-problem">
      {visible(problem)}: no key can verify it.
    </p>
  );
}

function JoseHeader({ header }: { header: ProtectedHeaderParameters }) {
  return (
    <>
      <h5>Header</h5>
      {/* JSON.stringify escapes control characters inside strings: its newlines are layout. */}
      <pre>
        <LongValue value={JSON.stringify(header, null, 2)} lines />
      </pre>
    </>
  );
}

function Claims({ claims }: { claims: JWTPayload }) {
  const now = Date.now();
  return (
    <>
      <h5>Claims</h5>
      <dl>
        {Object.entries(claims).map(([name, value]) => [
          <dt key={`n${name}`}>
            <LongValue value={name} />
          </dt>,
          <dd key={`v${name}`} data-claim={name}>
            <code>
              <LongValue value={typeof value === 'string' ? value : JSON.stringify(value)} />
            </code>
            {TIME_CLAIMS.has(name) && typeof value === 'number' && <span class="muted"> ({claimTime(value, now)})</span>}
          </dd>,
        ])}
      </dl>
    </>
  );
}
