/**
 * A code callback that no token request followed. Either a server redeems the code (a confidential client:
 * invisible to the browser, and normal), or the app stopped before redeeming it. Only ever possible: the same
 * traffic is a correct server-side sign-in.
 */
import type { Flow } from '../model.ts';
import { DIAGNOSIS_TITLES, type Diagnosis, type DiagnosisHint } from './types.ts';

/**
 * `explained`: another diagnosis of the flow already says why (a failed CORS preflight: the browser never sent
 * the request); `stateLost`: the state-lost diagnosis holds, so the untraceable causes need no pointer.
 */
export function noTokenRequest(flow: Flow, options: { explained: boolean; stateLost: boolean }): Diagnosis | undefined {
  const callback = flow.callback;
  if (callback?.code === undefined || callback.error !== undefined || flow.codeExchanges.length || options.explained) return undefined;
  const callbackStatus = callback.arrival?.status ?? null;
  const hints: DiagnosisHint[] = [{ kind: 'code-exchange-not-seen', callbackStatus }];
  // Without evidence of a lost state, the causes that leave none in a capture are still worth a look: a state
  // kept in memory across a page load, or in a cookie the browser did not send.
  if (!options.stateLost) hints.push({ kind: 'state-loss-leaves-no-trace' });
  return {
    id: `${flow.id}:no-token-request`,
    kind: 'no-token-request',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['no-token-request'],
    likelihood: 'possible',
    evidence: [{ label: 'callback page status', value: callbackStatus === null ? 'not observed' : String(callbackStatus) }],
    exchangeIds: [...new Set([callback.exchange.id, ...(callback.arrival ? [callback.arrival.id] : [])])],
    hints,
  };
}
