import { beforeEach, describe, expect, it } from 'vitest';
import { CHALLENGE, goodFlow, resetBuilders } from '../../tests/support/build.ts';
import { analyze } from './analyze.ts';
import { defineRule, type RuleMeta } from './rules/rule.ts';

const meta = (id: string): RuleMeta => ({ id, severity: 'warning', title: id, citation: 'RFC 7636 §4.6', fix: 'none', evidence: 'W' });

/** base64url(SHA-256(ASCII(verifier))) with WebCrypto, as a crypto rule would compute it (RFC 7636 §4.2). */
async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

/** An async rule: it recomputes the challenge itself and reports every flow whose verifier answers it. */
const verifierAnswers = defineRule({
  meta: meta('test-verifier-answers'),
  async check({ flows, report }) {
    for (const flow of flows) {
      const verifier = flow.codeExchanges[0]?.codeVerifier;
      if (verifier === undefined) continue;
      const computed = await s256(verifier);
      if (computed === flow.authorization?.codeChallenge)
        report({ flow, message: 'answered', evidence: [{ label: 'S256', value: computed }] });
    }
  },
});

/** Settles after many more awaits than `quick`, so it finishes last whatever the machine. */
const slow = defineRule({
  meta: meta('test-slow'),
  async check({ report }) {
    for (let i = 0; i < 20; i++) await s256(String(i));
    report({ message: 'slow' });
  },
});

const quick = defineRule({
  meta: meta('test-quick'),
  check({ report }) {
    report({ message: 'quick' });
  },
});

describe('async rules', () => {
  beforeEach(resetBuilders);

  it('awaits an async check and keeps its findings', async () => {
    const analysis = await analyze(goodFlow(), [verifierAnswers]);
    expect(analysis.problems).toEqual([]);
    expect(analysis.findings).toMatchObject([
      { ruleId: 'test-verifier-answers', flowId: analysis.flows[0]!.id, evidence: [{ label: 'S256', value: CHALLENGE }] },
    ]);
  });

  it('keeps findings in registry order, not in the order the checks finish', async () => {
    expect((await analyze(goodFlow(), [slow, quick])).findings.map((f) => f.ruleId)).toEqual(['test-slow', 'test-quick']);
    expect((await analyze(goodFlow(), [quick, slow])).findings.map((f) => f.ruleId)).toEqual(['test-quick', 'test-slow']);
  });

  it('turns a rejection into a problem, keeping what the rule reported before it and the other rules', async () => {
    const rejecting = defineRule({
      meta: meta('test-rejecting'),
      async check({ report }) {
        report({ message: 'before' });
        await s256('x');
        throw new Error('no key');
      },
    });
    const analysis = await analyze(goodFlow(), [rejecting, quick]);
    expect(analysis.problems).toEqual(['rule test-rejecting failed: no key']);
    expect(analysis.findings.map((f) => f.message)).toEqual(['before', 'quick']);
  });

  it('drops a report made after the check settled (a promise it did not await)', async () => {
    let reportedLate: Promise<void> = Promise.resolve();
    const forgetful = defineRule({
      meta: meta('test-forgetful'),
      check({ report }) {
        reportedLate = s256('late')
          .then(() => new Promise((resolve) => setTimeout(resolve, 0)))
          .then(() => report({ message: 'late' }));
      },
    });
    // Holds the analysis open until the late report was made, so it would land if it were not dropped.
    const waiting = defineRule({
      meta: meta('test-waiting'),
      async check() {
        await reportedLate;
      },
    });
    const analysis = await analyze(goodFlow(), [forgetful, waiting]);
    expect(analysis.findings).toEqual([]);
    expect(analysis.problems).toEqual([]);
  });
});
