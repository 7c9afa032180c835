/**
 * analyze(exchanges) → flows and findings. The one entry point the worker, the panel and the CLI call.
 * It never throws: a failing rule becomes a `problems` entry and the other rules still run.
 */
import { readable } from './authorization-parameters.ts';
import { classify, inTimeOrder } from './classify.ts';
import { correlate } from './correlate.ts';
import { idTokenHashChecks } from './id-token.ts';
import type { Analysis, Exchange, Finding, Flow } from './model.ts';
import { checkPkce, type OtherChallenge } from './pkce.ts';
import { rules } from './rules/index.ts';
import type { Report, Rule } from './rules/rule.ts';

export async function analyze(exchanges: readonly Exchange[], activeRules: readonly Rule[] = rules): Promise<Analysis> {
  try {
    const ordered = inTimeOrder(exchanges);
    const classified = classify(ordered);
    const flows = correlate(classified, ordered);
    await recomputePkce(flows);
    await recomputeIdTokenHashes(flows);
    const problems: string[] = [];
    const findings: Finding[] = [];
    for (const rule of activeRules) {
      const report = (r: Report) => findings.push(findingOf(rule, r));
      try {
        rule.check({ flows, exchanges: ordered, classified, report });
      } catch (error) {
        problems.push(`rule ${rule.meta.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { flows, findings: findings.sort(bySeverity), exchangeCount: exchanges.length, metadata: classified.metadata, problems };
  } catch (error) {
    return {
      flows: [],
      findings: [],
      exchangeCount: exchanges.length,
      metadata: [],
      problems: [`analysis failed: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}

function findingOf(rule: Rule, r: Report): Finding {
  return {
    ruleId: rule.meta.id,
    severity: r.severity ?? rule.meta.severity,
    title: rule.meta.title,
    message: r.message,
    citation: rule.meta.citation,
    fix: rule.meta.fix,
    ...(r.flow ? { flowId: r.flow.id } : {}),
    exchangeIds: [...new Set((r.exchanges ?? []).filter((e) => e !== undefined).map((e) => e.id))],
    evidence: r.evidence ?? [],
  };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function bySeverity(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
}

/**
 * RFC 7636 §4.6 for every flow that sent a challenge or a verifier; other flows' challenges name mix-ups. The
 * challenge is the effective one (a readable request object's included, RFC 9101 §6.3). Nothing is claimed
 * about PKCE when the authorization request was not observed or its parameters cannot be read (a
 * `request_uri` without its PAR request, a request object that does not decode): `not-observable`.
 */
async function recomputePkce(flows: readonly Flow[]): Promise<void> {
  const byChallenge = new Map<string, OtherChallenge[]>();
  for (const f of flows) {
    if (!readable(f.authorization) || f.authorization.codeChallenge === undefined) continue;
    const other = { flowId: f.id, challenge: f.authorization.codeChallenge, method: f.authorization.codeChallengeMethod };
    byChallenge.set(other.challenge, [...(byChallenge.get(other.challenge) ?? []), other]);
  }
  await Promise.all(
    flows.map(async (flow) => {
      const verifier = flow.codeExchanges.find((r) => r.codeVerifier !== undefined)?.codeVerifier;
      const auth = flow.authorization;
      if (!readable(auth)) {
        flow.pkce = { method: 'absent', status: 'not-observable', ...(verifier !== undefined ? { verifier } : {}) };
        return;
      }
      const observedExchange = flow.codeExchanges.length > 0;
      const result = await checkPkce({ challenge: auth.codeChallenge, method: auth.codeChallengeMethod, verifier }, (challenge, s256) =>
        byChallenge.get(challenge)?.find((o) => o.flowId !== flow.id && (o.method === 'S256') === s256),
      );
      flow.pkce = result.status === 'no-verifier' && !observedExchange ? { ...result, status: 'not-observable' } : result;
    }),
  );
}

/**
 * OIDC Core §3.1.3.8, §3.2.2.9, §3.3.2.10–11: at_hash and c_hash of every readable ID token, recomputed once
 * here (WebCrypto is async, rules are not) and kept on the flow for hash-claim-mismatch.
 */
async function recomputeIdTokenHashes(flows: readonly Flow[]): Promise<void> {
  await Promise.all(
    flows.map(async (flow) => {
      const checks = await idTokenHashChecks(flow);
      if (checks.length) flow.idTokenHashes = checks;
    }),
  );
}
