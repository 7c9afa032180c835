import { jsonObjectOf, stringMember } from '../body.ts';
import { DEVICE_CODE_GRANT } from '../device-grant.ts';
import type { Exchange, Flow, TokenRequest } from '../model.ts';
import { firstParam } from '../params.ts';
import { tokenRequestsOf } from '../flow-facts.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 8628 §3.2: `interval` is the minimum time the client SHOULD wait between polling requests (5 seconds when
 * the device authorization response gives none, which the client MUST then use); §3.5: on `slow_down` the client
 * MUST add 5 seconds to the interval for that and every later request.
 *
 * Judged only when the device authorization response (which holds `device_code` and the interval) was observed:
 * without it the interval is unknown. The wait is measured from the end of one polling response to the start of
 * the next request, with a small allowance for timers that fire early.
 */
const DEFAULT_INTERVAL_S = 5;
const SLOW_DOWN_STEP_S = 5;
/** Browser timers and clocks of two capture events: a wait this much shorter than asked still counts. */
const TIMER_ALLOWANCE_MS = 250;

export default defineRule({
  meta: {
    id: 'device-code-polling',
    severity: 'warning',
    title: 'Device code polled faster than the server asked',
    citation: 'RFC 8628 §3.2, §3.5',
    fix: 'Wait the interval of the device authorization response between polls (5 s by default), and add 5 s after every slow_down',
    evidence: 'B',
  },
  check({ flows, exchanges, classified, report }) {
    const intervals = deviceAuthorizations(exchanges);
    if (!intervals.size) return;
    const flowOf = new Map<TokenRequest, Flow>();
    for (const flow of flows) for (const request of tokenRequestsOf(flow)) flowOf.set(request, flow);
    const polls = new Map<string, TokenRequest[]>();
    for (const request of classified.tokenRequests) {
      const deviceCode = request.grantType === DEVICE_CODE_GRANT ? firstParam(request.params, 'device_code') : undefined;
      if (deviceCode === undefined || !intervals.has(deviceCode)) continue;
      const list = polls.get(deviceCode);
      if (list) list.push(request);
      else polls.set(deviceCode, [request]);
    }
    for (const [deviceCode, requests] of polls) {
      const authorization = intervals.get(deviceCode)!;
      requests.sort((a, b) => a.exchange.time - b.exchange.time);
      let interval = authorization.interval;
      let early = 0;
      let ignoredSlowDown = false;
      let shortest = Number.POSITIVE_INFINITY;
      for (let i = 1; i < requests.length; i++) {
        const previous = requests[i - 1]!;
        if (previous.response?.error === 'slow_down') interval += SLOW_DOWN_STEP_S;
        const waited = requests[i]!.exchange.time - (previous.exchange.endTime ?? previous.exchange.time);
        if (waited >= interval * 1000 - TIMER_ALLOWANCE_MS) continue;
        early++;
        shortest = Math.min(shortest, waited);
        if (interval > authorization.interval) ignoredSlowDown = true;
      }
      if (!early) continue;
      const flow = flowOf.get(requests[0]!);
      report({
        ...(flow ? { flow } : {}),
        // RFC 8628 §3.5: the increase after slow_down is a MUST; the interval itself a SHOULD.
        ...(ignoredSlowDown ? { severity: 'error' as const } : {}),
        message: `${early} of ${requests.length - 1} polls of one device code came sooner than the ${authorization.interval} s interval${ignoredSlowDown ? ', even after the server answered slow_down' : ''}; the server may refuse the client or slow it down further.`,
        exchanges: [authorization.exchange, ...requests.map((r) => r.exchange)],
        evidence: [
          { label: 'device_code', value: deviceCode, secret: true },
          {
            label: 'interval',
            value: `${authorization.interval} s${authorization.defaulted ? ' (the default: the response gives none)' : ''}`,
          },
          { label: 'polls', value: String(requests.length) },
          { label: 'shortest wait', value: `${Math.max(0, Math.round(shortest))} ms` },
          ...(ignoredSlowDown ? [{ label: 'slow_down', value: 'answered, and the interval was not increased by 5 s' }] : []),
        ],
      });
    }
  },
});

interface DeviceAuthorization {
  exchange: Exchange;
  interval: number;
  defaulted: boolean;
}

/** Device authorization responses (RFC 8628 §3.2) whose body was observed, by device_code. */
function deviceAuthorizations(exchanges: readonly Exchange[]): Map<string, DeviceAuthorization> {
  const found = new Map<string, DeviceAuthorization>();
  for (const exchange of exchanges) {
    if (exchange.method !== 'POST' || exchange.responseBody?.kind !== 'text' || !exchange.responseBody.text.includes('"device_code"'))
      continue;
    const body = jsonObjectOf(exchange.responseBody);
    if (!body.ok) continue;
    const deviceCode = stringMember(body.json, 'device_code');
    if (deviceCode === undefined || stringMember(body.json, 'user_code') === undefined) continue;
    const interval = body.json.interval;
    const valid = typeof interval === 'number' && Number.isFinite(interval) && interval > 0;
    found.set(deviceCode, { exchange, interval: valid ? interval : DEFAULT_INTERVAL_S, defaulted: !valid });
  }
  return found;
}
