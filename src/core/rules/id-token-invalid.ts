import { readable } from '../authorization-parameters.ts';
import { capped } from '../evidence.ts';
import { clientOfTokenRequest } from '../flow-facts.ts';
import { idTokensOf, responseDate, SOURCE_WORDS, type ObservedIdToken } from '../id-token.ts';
import type { Evidence, Flow, Severity } from '../model.ts';
import { splitUrl } from '../params.ts';
import { defineRule } from './rule.ts';

/** iat may run this far ahead of the response's Date (clock skew between the signer and the web server). */
export const IAT_SKEW_SECONDS = 300;

/**
 * OIDC Core §2 (the ID token's REQUIRED claims iss, sub, aud, exp, iat; alg none only for a response type that
 * returns no ID token from the authorization endpoint, and only when the client registered it) and §3.1.3.7
 * (the client's validation: step 2 iss equals the issuer identifier exactly, step 3 aud contains client_id,
 * steps 4–5 azp, step 9 the current time is before exp, step 10 iat not too far from the current time); RFC 8725
 * §3.1 (the alg header names the algorithm used to verify), §3.2 (none only when the JWT is otherwise
 * protected), §3.8 (validate iss), §3.9 (validate aud). OIDC Core errata set 2 (2023) rewrote the azp steps:
 * azp is validated only by clients using the extensions that produce it, and a client SHOULD check it is its
 * client_id only within such a validation (a MAY), so the azp notes are info.
 *
 * Trigger: one finding per readable ID token (authorization response, token response, refresh response)
 * listing every failed check in evidence:
 * - a REQUIRED claim is absent or of the wrong type;
 * - iss ≠ the issuer: the discovery metadata's issuer (exact string), else the authorization response's iss
 *   (exact; RFC 9207 §2.4 makes it the issuer identifier). With neither, a heuristic: the iss claim's origin
 *   against the authorization endpoint's origin (origins only, as an issuer may carry any path), reported as
 *   info that says "heuristic" (without metadata the expected issuer is not known). A metadata issuer with Microsoft's `{tenantid}` placeholder (the
 *   multi-tenant `common` endpoints) matches any single path segment there;
 * - aud does not contain the client_id (the authorization request's, else the token request's);
 * - several aud values and no azp, or an azp other than the client_id: info (errata set 2; some libraries,
 *   oauth4webapi for one, still reject several audiences without azp = client_id, so the note explains a failure);
 * - exp at or before the `Date` of the response that delivered the token, or iat more than 5 minutes
 *   (IAT_SKEW_SECONDS) after it. Only that Date is used, never the wall clock (a HAR is audited long after it
 *   was recorded): without a Date header, nothing is said about exp and iat. Date has a one-second
 *   resolution, which is allowed for;
 * - no alg in the header (RFC 7515 §4.1.1), an error;
 * - alg none (any case): an error for an ID token from the authorization endpoint, or from the token endpoint when the
 *   response type also returns one from the authorization endpoint (hybrid); a warning from the token endpoint
 *   of a code flow, where OIDC Core §2 and §3.1.3.7 step 6 allow it only if the client registered
 *   id_token_signed_response_alg=none and relies on TLS.
 * - the token is not a well-formed JWS: a header or payload that does not decode, a wrong number of parts
 *   (RFC 7519 §7.2: a JWT failing any of these steps MUST be rejected; OIDC Core §2: an ID token MUST be a
 *   JWS, or a JWE around one), or a signature part that no key can verify (empty while alg asks for a
 *   signature, or not base64url): an error, and the claims, unreadable, are not checked;
 * The finding takes the level of its worst check.
 *
 * Silent: a JWE (its claims are not readable without the client's key); a check whose reference is unknown
 * (no issuer, no client_id, no Date) is skipped.
 */
export default defineRule({
  meta: {
    id: 'id-token-invalid',
    severity: 'error',
    title: 'The ID token fails validation',
    citation: 'OIDC Core §2, §3.1.3.7; RFC 8725 §3.1–3.2, §3.8–3.9',
    fix: 'Validate the ID token fully (signature and alg, iss, aud and azp, exp, iat) and reject it on any failure',
    evidence: 'W+B',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      for (const observed of idTokensOf(flow)) {
        const failures = checksOf(flow, observed);
        if (!failures.length) continue;
        const severity: Severity = (['error', 'warning', 'info'] as const).find((level) => failures.some((f) => f.severity === level))!;
        const heuristic = failures.some((f) => f.heuristic);
        const names = [...new Set(failures.map((f) => f.check))].join(', ');
        report({
          flow,
          severity,
          message: `The ID token from ${SOURCE_WORDS[observed.source]} fails validation (${names})${heuristic ? '; the issuer was compared by origin only (heuristic: discovery metadata and iss not observed)' : ''}.`,
          exchanges: [flow.authorization?.exchange, ...observed.exchanges],
          evidence: [
            { label: 'ID token from', value: SOURCE_WORDS[observed.source] },
            ...failures.map((f): Evidence => ({ label: `failed: ${f.check}`, value: capped(f.detail) })),
            { label: 'id_token', value: observed.token, secret: true },
          ],
        });
      }
    }
  },
});

interface Failure {
  check: string;
  detail: string;
  severity: Severity;
  heuristic?: boolean;
}

function checksOf(flow: Flow, observed: ObservedIdToken): Failure[] {
  const { decoded } = observed;
  if (!decoded.ok)
    return decoded.encrypted ? [] : [{ check: 'format', detail: `${decoded.problem}; the client MUST reject it`, severity: 'error' }];
  const { header, claims } = decoded;
  const failures: Failure[] = [];
  const fail = (check: string, detail: string, severity: Severity = 'error', heuristic = false) =>
    failures.push({ check, detail, severity, ...(heuristic ? { heuristic } : {}) });

  if (decoded.signatureProblem !== undefined) fail('signature', decoded.signatureProblem);

  // alg (OIDC Core §2; RFC 8725 §3.1, §3.2).
  if (typeof header.alg !== 'string') {
    fail('alg', 'absent from the JOSE header (REQUIRED, RFC 7515 §4.1.1): the signature cannot be checked');
  } else if (/^none$/i.test(header.alg)) {
    const hybrid = flow.authorization?.responseType?.split(' ').includes('id_token') ?? false;
    if (observed.source === 'authorization-response') {
      fail(
        'alg',
        `alg ${JSON.stringify(header.alg)}: an unsigned ID token from the authorization endpoint can be forged by anyone who can reach the redirect_uri`,
      );
    } else if (hybrid) {
      fail(
        'alg',
        `alg ${JSON.stringify(header.alg)}: this response type returns ID tokens from the authorization endpoint, so none is not allowed at the token endpoint either (OIDC Core §2)`,
      );
    } else {
      fail(
        'alg',
        `alg ${JSON.stringify(header.alg)}: an unsigned ID token from the token endpoint is allowed only if the client registered id_token_signed_response_alg=none and relies on TLS to the token endpoint (OIDC Core §2, §3.1.3.7 step 6); otherwise reject it`,
        'warning',
      );
    }
  }

  // iss (OIDC Core §3.1.3.7 step 2; RFC 8725 §3.8).
  const iss = claims.iss;
  if (iss === undefined) fail('iss', 'absent (REQUIRED, OIDC Core §2)');
  else if (typeof iss !== 'string') fail('iss', `not a string: ${JSON.stringify(iss)}`);
  else {
    const problem = issuerProblem(flow, iss);
    if (problem) fail('iss', problem.detail, problem.heuristic ? 'info' : 'error', problem.heuristic);
  }

  if (claims.sub === undefined) fail('sub', 'absent (REQUIRED, OIDC Core §2)');
  else if (typeof claims.sub !== 'string') fail('sub', `not a string: ${JSON.stringify(claims.sub)}`);

  // aud (OIDC Core §3.1.3.7 step 3; RFC 8725 §3.9) and azp (steps 4–5 as errata set 2 has them: info).
  const clientId = clientIdFor(flow, observed);
  const aud = claims.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? aud : undefined;
  if (aud === undefined) fail('aud', 'absent (REQUIRED, OIDC Core §2)');
  else if (!audiences) fail('aud', `not a string or an array of strings: ${JSON.stringify(aud)}`);
  else {
    if (clientId !== undefined && !audiences.includes(clientId)) {
      fail('aud', `aud ${JSON.stringify(aud)} does not contain the client_id ${JSON.stringify(clientId)}`);
    }
    if (audiences.length > 1 && claims.azp === undefined) {
      fail(
        'azp',
        `${audiences.length} audiences and no azp: no longer a requirement since OIDC Core errata set 2, but some libraries (oauth4webapi) reject such a token; the client should reject audiences it does not trust`,
        'info',
      );
    }
  }
  if (claims.azp !== undefined && clientId !== undefined && claims.azp !== clientId) {
    fail(
      'azp',
      `azp ${JSON.stringify(claims.azp)} is not the client_id ${JSON.stringify(clientId)}: the token names another authorized party (OIDC Core §2); clients that validate azp (§3.1.3.7 step 5, a MAY since errata set 2) reject it`,
      'info',
    );
  }

  // exp and iat against the delivering response's own Date (OIDC Core §3.1.3.7 steps 9–10).
  const date = responseDate(observed.exchange);
  if (claims.exp === undefined) fail('exp', 'absent (REQUIRED, OIDC Core §2)');
  else if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) fail('exp', `not a number: ${JSON.stringify(claims.exp)}`);
  else if (date !== undefined && claims.exp * 1000 <= date) {
    fail(
      'exp',
      `exp ${claims.exp} (${isoOf(claims.exp)}) is not after the response's Date (${new Date(date).toISOString()}): the ID token had expired when it was sent`,
    );
  }
  if (claims.iat === undefined) fail('iat', 'absent (REQUIRED, OIDC Core §2)');
  else if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) fail('iat', `not a number: ${JSON.stringify(claims.iat)}`);
  else if (date !== undefined && claims.iat * 1000 > date + 1000 + IAT_SKEW_SECONDS * 1000) {
    fail(
      'iat',
      `iat ${claims.iat} (${isoOf(claims.iat)}) is more than ${IAT_SKEW_SECONDS / 60} minutes after the response's Date (${new Date(date).toISOString()}): the signer's clock is ahead, and clients reject tokens issued in the future`,
    );
  }
  return failures;
}

/** The iss claim against the flow's issuer; undefined when it matches or there is nothing to compare with. */
function issuerProblem(flow: Flow, iss: string): { detail: string; heuristic?: boolean } | undefined {
  const metadataIssuer = flow.issuerSource === 'metadata' ? flow.metadata?.issuer : undefined;
  if (metadataIssuer !== undefined) {
    if (iss === metadataIssuer || matchesTenantTemplate(metadataIssuer, iss)) return undefined;
    return { detail: `iss ${JSON.stringify(iss)} is not the issuer ${JSON.stringify(metadataIssuer)} of the discovery metadata` };
  }
  if (flow.issuerSource === 'iss' && flow.issuer !== undefined) {
    if (iss === flow.issuer) return undefined;
    return {
      detail: `iss ${JSON.stringify(iss)} is not the issuer ${JSON.stringify(flow.issuer)} the authorization response named in its iss parameter`,
    };
  }
  if (flow.issuerSource === 'authorization-origin' && flow.issuer !== undefined) {
    if (splitUrl(iss)?.origin === flow.issuer) return undefined;
    return {
      detail: `iss ${JSON.stringify(iss)} is not on the origin of the authorization endpoint, ${flow.issuer} (heuristic: origins compared)`,
      heuristic: true,
    };
  }
  return undefined;
}

/** Microsoft's multi-tenant metadata names its issuer `https://login.microsoftonline.com/{tenantid}/v2.0`. */
function matchesTenantTemplate(template: string, iss: string): boolean {
  const at = template.indexOf('{tenantid}');
  if (at === -1) return false;
  const before = template.slice(0, at);
  const after = template.slice(at + '{tenantid}'.length);
  if (!iss.startsWith(before) || !iss.endsWith(after) || iss.length <= before.length + after.length) return false;
  return !/[/?#]/.test(iss.slice(before.length, iss.length - after.length));
}

function clientIdFor(flow: Flow, observed: ObservedIdToken): string | undefined {
  const auth = flow.authorization;
  if (readable(auth) && auth.clientId !== undefined) return auth.clientId;
  if (observed.request) return clientOfTokenRequest(observed.request);
  const first = flow.codeExchanges[0];
  return first ? clientOfTokenRequest(first) : undefined;
}

/** A NumericDate as ISO 8601, or a plain note when it is out of the Date range. */
function isoOf(seconds: number): string {
  const ms = seconds * 1000;
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : 'out of range';
}
