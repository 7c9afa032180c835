import type { Evidence, Exchange, Flow, Param, ParRequest } from '../model.ts';
import { paramEvidence, quotable } from '../evidence.ts';
import { callbacksOf, tokenRequestsOf } from '../flow-facts.ts';
import { duplicatedNames } from '../params.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §3.1 and §3.2: request and response parameters MUST NOT be included more than once. A repeated
 * parameter is ambiguous (the client, a proxy and the server may each read a different copy), and servers
 * answer invalid_request. Checked on the authorization request (query, form, or pushed body), the authorization
 * response (query, fragment or form_post body) and the token request (form body, or query when sent that way).
 * One finding per request, naming every repeated parameter. A JSON token body cannot carry a repeat once
 * parsed and is not checked (token-request-malformed reports the JSON).
 * Later specs let some request parameters repeat, and those repeats are not reported: `resource` in authorization,
 * pushed and token requests (RFC 8707 §2: "Multiple resource parameters MAY be used"), and `audience` in a token
 * exchange request (RFC 8693 §2.1).
 */
const REPEATABLE_IN_REQUESTS: ReadonlySet<string> = new Set(['resource']);
const REPEATABLE_IN_TOKEN_EXCHANGE: ReadonlySet<string> = new Set(['resource', 'audience']);
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const NONE: ReadonlySet<string> = new Set();

export default defineRule({
  meta: {
    id: 'duplicate-parameter',
    severity: 'error',
    title: 'Parameter sent more than once',
    citation: 'RFC 6749 §3.1, §3.2; RFC 8707 §2; RFC 8693 §2.1',
    fix: 'Serialise each parameter exactly once (check URL builders that append to an existing query)',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    const check = (
      what: string,
      params: readonly Param[],
      exchanges: readonly (Exchange | undefined)[],
      flow: Flow | undefined,
      repeatable: ReadonlySet<string>,
    ) => {
      const names = duplicatedNames(params).filter((name) => !repeatable.has(name));
      if (!names.length) return;
      const shown = names.map((n) => quotable(n) ?? 'a parameter with an unusual name (see evidence)');
      const evidence: Evidence[] = [];
      for (const name of names) {
        const values = params.filter((p) => p.name === name);
        values.forEach((p, i) => {
          evidence.push(paramEvidence(name, p.value, `${name} (${i + 1} of ${values.length})`));
        });
      }
      report({
        ...(flow ? { flow } : {}),
        message: `The ${what} repeats ${[...new Set(shown)].join(', ')}; each parameter must appear once, and servers may read either copy or reject the request.`,
        exchanges,
        evidence,
      });
    };

    const linkedPars = new Set<ParRequest>();
    for (const flow of flows) {
      const auth = flow.authorization;
      if (auth?.par) {
        linkedPars.add(auth.par);
        check('pushed authorization request', auth.par.params, [auth.par.exchange], flow, REPEATABLE_IN_REQUESTS);
      }
      if (auth) check('authorization request', auth.params, [auth.exchange], flow, REPEATABLE_IN_REQUESTS);
      for (const callback of callbacksOf(flow))
        check(`authorization response (${callback.mode})`, callback.params, [callback.exchange, callback.arrival], flow, NONE);
      for (const request of tokenRequestsOf(flow)) {
        if (request.encoding !== 'form' && request.encoding !== 'query') continue;
        const repeatable = request.grantType === TOKEN_EXCHANGE ? REPEATABLE_IN_TOKEN_EXCHANGE : REPEATABLE_IN_REQUESTS;
        check('token request', request.params, [request.exchange], flow, repeatable);
      }
    }
    for (const par of classified.pars)
      if (!linkedPars.has(par)) check('pushed authorization request', par.params, [par.exchange], undefined, REPEATABLE_IN_REQUESTS);
  },
});
