/**
 * The device authorization grant (RFC 8628) as one flow: the device authorization request (§3.1), the user's
 * visits to the verification page and their user_code entry (§3.3), and the device's token polls (§3.4), paired
 * by the values the response issued (§3.2): `device_code` for the polls, `user_code` and `verification_uri` for
 * the pages. Called by correlate.ts; every index here is sorted once and searched, so the pass stays O(n log n).
 */
import { clientOfTokenRequest } from './flow-facts.ts';
import type { CorrelatedFlow, Exchange, PairedBy, TokenRequest } from './model.ts';
import { firstParam, parseForm, splitUrl } from './params.ts';
import { comparableSecret } from './redaction-marker.ts';
import { partitionPoint } from './sorted.ts';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A flow's verification pages beyond this many are left out of its timeline (a page polling itself). */
const MAX_VERIFICATION_PAGES = 50;

interface Timed {
  flow: CorrelatedFlow;
  time: number;
}

/** The latest entry started at or before `time` in a list sorted by time. */
function latestAtOrBefore(list: readonly Timed[], time: number): Timed | undefined {
  return list[partitionPoint(list.length, (i) => list[i]!.time <= time) - 1];
}

function file<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The polls' flows. A poll joins the flow whose device authorization response issued its device_code; without
 * that response body (webRequest sees none) the latest device authorization of the same client at the same
 * server that no other device_code claimed, said through `pairedBy: 'client'`; else the flow of an earlier poll
 * with the same device_code (the device authorization was not captured), else a flow of its own.
 */
export class DevicePolls {
  readonly #byDeviceCode = new Map<string, CorrelatedFlow>();
  /** Device authorizations whose response was not read, by client and server, in time order. */
  readonly #unread = new Map<string, Timed[]>();
  readonly #claimed = new Set<CorrelatedFlow>();

  constructor(flows: readonly CorrelatedFlow[]) {
    for (const flow of flows) {
      const device = flow.deviceAuthorization;
      if (!device) continue;
      const deviceCode = comparableSecret(device.deviceCode);
      if (deviceCode !== undefined) {
        if (!this.#byDeviceCode.has(deviceCode)) this.#byDeviceCode.set(deviceCode, flow);
      } else if (device.deviceCode === undefined) {
        file(this.#unread, clientKey(device.clientId, device.endpoint), { flow, time: device.exchange.time });
      }
    }
    for (const list of this.#unread.values()) list.sort((a, b) => a.time - b.time);
  }

  /** The flow the poll joins and how, or `undefined` when it starts one (then call `started`). */
  flowOf(request: TokenRequest): { flow: CorrelatedFlow; by: PairedBy } | undefined {
    const deviceCode = comparableSecret(firstParam(request.params, 'device_code'));
    const known = deviceCode !== undefined ? this.#byDeviceCode.get(deviceCode) : undefined;
    if (known) return { flow: known, by: 'device_code' };
    const list = this.#unread.get(clientKey(clientOfTokenRequest(request), request.endpoint));
    const latest = list && latestAtOrBefore(list, request.exchange.time);
    if (!latest || this.#claimed.has(latest.flow)) return undefined;
    this.#claimed.add(latest.flow);
    if (deviceCode !== undefined) this.#byDeviceCode.set(deviceCode, latest.flow);
    return { flow: latest.flow, by: 'client' };
  }

  /** A poll that started a flow of its own: later polls with its device_code join it. */
  started(request: TokenRequest, flow: CorrelatedFlow): void {
    const deviceCode = comparableSecret(firstParam(request.params, 'device_code'));
    if (deviceCode !== undefined) this.#byDeviceCode.set(deviceCode, flow);
  }
}

function clientKey(clientId: string | undefined, endpoint: string): string {
  return JSON.stringify([clientId ?? null, splitUrl(endpoint)?.origin ?? endpoint]);
}

/**
 * RFC 8628 §6.1: a user code is typed by a person, so servers compare it without regard to case and to the
 * separators they print ("WDJB-MJHT" and "wdjbmjht" are one code).
 */
export function normalizedUserCode(code: string): string {
  return code.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

const USER_CODE_HINT = /(?:^|[?&])user_code=/;
const isFrontChannel = (ex: Exchange) => ex.initiator === 'navigation' || ex.initiator === 'subframe' || ex.initiator === 'form';

export interface VerificationPage {
  exchange: Exchange;
  by: PairedBy;
}

/**
 * Each device flow's verification pages: a request carrying the flow's user_code (the user's entry, or
 * verification_uri_complete, §3.3.1) joins the latest flow that issued that code before it; a front-channel visit
 * to a verification_uri (or verification_uri_complete) without it joins the latest device flow that named that
 * page before it. Each exchange joins one flow at most, and none that has a role of its own (`roles`: authorization
 * requests, callbacks, token requests).
 */
export function verificationPages(
  flows: readonly CorrelatedFlow[],
  ordered: readonly Exchange[],
  roles: ReadonlySet<Exchange>,
): Map<CorrelatedFlow, VerificationPage[]> {
  const pages = new Map<CorrelatedFlow, VerificationPage[]>();
  const byUserCode = new Map<string, Timed[]>();
  const byPage = new Map<string, Timed[]>();
  const deviceAuthorizations = new Set<Exchange>();
  for (const flow of flows) {
    const device = flow.deviceAuthorization;
    if (!device) continue;
    deviceAuthorizations.add(device.exchange);
    const entry = { flow, time: device.exchange.time };
    if (device.userCode !== undefined) file(byUserCode, normalizedUserCode(device.userCode), entry);
    const targets = new Set([device.verificationUri, device.verificationUriComplete].map((u) => (u ? splitUrl(u)?.target : undefined)));
    for (const target of targets) if (target !== undefined) file(byPage, target, entry);
  }
  if (!byUserCode.size && !byPage.size) return pages;
  for (const list of [...byUserCode.values(), ...byPage.values()]) list.sort((a, b) => a.time - b.time);

  for (const ex of ordered) {
    if (roles.has(ex) || deviceAuthorizations.has(ex) || ex.method === 'OPTIONS') continue;
    const split = splitUrl(ex.url);
    if (!split) continue;
    const userCode = userCodeOf(ex, split.query);
    const byCode = userCode !== undefined ? byUserCode.get(normalizedUserCode(userCode)) : undefined;
    const codeFlow = byCode && latestAtOrBefore(byCode, ex.time);
    // A user_code no flow issued (mistyped, or another device's) cannot be told apart: left out.
    const pageList = userCode === undefined && isFrontChannel(ex) ? byPage.get(split.target) : undefined;
    const pageFlow = pageList && latestAtOrBefore(pageList, ex.time);
    const found = codeFlow
      ? { flow: codeFlow.flow, by: 'user_code' as const }
      : pageFlow && { flow: pageFlow.flow, by: 'verification_uri' as const };
    if (!found) continue;
    const list = pages.get(found.flow);
    if (!list) pages.set(found.flow, [{ exchange: ex, by: found.by }]);
    else if (list.length < MAX_VERIFICATION_PAGES) list.push({ exchange: ex, by: found.by });
  }
  return pages;
}

/** The user_code a request carries in its query or its form body (RFC 8628 §3.3.1 names the parameter). */
function userCodeOf(ex: Exchange, query: string): string | undefined {
  const form = ex.requestBody.kind === 'form' ? ex.requestBody : undefined;
  if (form && USER_CODE_HINT.test(form.raw)) return firstParam(form.params, 'user_code');
  return query && USER_CODE_HINT.test(query) ? firstParam(parseForm(query).params, 'user_code') : undefined;
}
