/**
 * Correlation: authorization request → callback → code exchange(s) → refreshes, paired by the values the
 * protocol binds them with — `state` (RFC 6749 §4.1.2 echoes it), then `code` (§4.1.3 presents it), then the
 * refresh token (§6) — across tabs and frames. Never "the latest authorization request in this tab": that
 * mispairs concurrent flows, retries and silent-renew iframes.
 */
import type { Classified } from './classify.ts';
import { DEVICE_CODE_GRANT, DevicePolls, type VerificationPage, verificationPages } from './device-grant.ts';
import { callbacksOf, clientOf, clientOfTokenRequest, firstTokenRequestOf, tokenRequestsOf } from './flow-facts.ts';
import type { AuthorizationRequest, Callback, CorrelatedFlow, Exchange, PairedBy, ServerMetadata, Step, TokenRequest } from './model.ts';
import { decodeJwtParts } from './jwt.ts';
import { hasBrokenPercentEncoding, splitUrl } from './params.ts';
import { comparableSecret, isRedacted } from './redaction-marker.ts';
import { headerRemoved } from './removed-headers.ts';
import { partitionPoint } from './sorted.ts';

export function correlate(classified: Classified, ordered: readonly Exchange[]): CorrelatedFlow[] {
  const flows: CorrelatedFlow[] = [];
  const usedIds = new Set<string>();
  /** Each flow's position in `flows`: the tie-break between flows that started at the same millisecond. */
  const creationOrder = new Map<CorrelatedFlow, number>();
  const newFlow = (first: Exchange, authorization?: AuthorizationRequest): CorrelatedFlow => {
    // Ids derive from the first exchange, so they stay stable as more traffic arrives; one exchange can
    // start two flows (an authorization request whose redirect is an unpaired callback).
    let id = `flow-${first.id}`;
    for (let n = 2; usedIds.has(id); n++) id = `flow-${first.id}-${n}`;
    usedIds.add(id);
    const flow: CorrelatedFlow = {
      id,
      authorization,
      repeatedCallbacks: [],
      codeExchanges: [],
      refreshes: [],
      steps: [],
      notes: [],
    };
    creationOrder.set(flow, flows.length);
    flows.push(flow);
    return flow;
  };

  for (const auth of classified.authorizations) newFlow(auth.par?.exchange ?? auth.exchange, auth);
  const pairedBy = new Map<object, Step['pairedBy']>();
  const index = indexFlows(flows);

  for (const callback of classified.callbacks) {
    const { flow, by } = flowForCallback(index, callback);
    if (!flow) {
      newFlow(callback.exchange).callback = callback;
    } else if (flow.callback) {
      flow.repeatedCallbacks.push(callback);
      pairedBy.set(callback, by);
    } else {
      flow.callback = callback;
      pairedBy.set(callback, by);
    }
  }
  for (const device of classified.deviceAuthorizations) newFlow(device.exchange).deviceAuthorization = device;
  const devicePolls = new DevicePolls(flows);

  // Codes and refresh tokens pair by value; a redaction marker without a number (a redacted HAR) equals nothing,
  // and the request falls back to the pairing evidence that needs no secret.
  const byCode = new Map<string, CorrelatedFlow>();
  for (const flow of flows) {
    for (const cb of callbacksOf(flow)) {
      const code = comparableSecret(cb.code);
      if (code !== undefined && !byCode.has(code)) byCode.set(code, flow);
    }
  }
  const redactedCodes = new RedactedCodeCallbacks(flows);
  const byRefreshToken = new Map<string, CorrelatedFlow>();
  const flowsByClient = new FlowsByClient(creationOrder);
  const rememberRefreshTokens = (flow: CorrelatedFlow, request: TokenRequest) => {
    for (const token of [request.refreshToken, request.response?.refreshToken]) {
      const comparable = comparableSecret(token);
      if (comparable) byRefreshToken.set(comparable, flow);
    }
  };

  for (const request of classified.tokenRequests) {
    // RFC 8628 §3.4: every poll of one device_code belongs to the device authorization that issued it.
    if (request.grantType === DEVICE_CODE_GRANT) {
      const paired = devicePolls.flowOf(request);
      const flow = paired?.flow ?? newFlow(request.exchange);
      if (paired) pairedBy.set(request, paired.by);
      else devicePolls.started(request, flow);
      flow.codeExchanges.push(request);
      flowsByClient.update(flow);
      rememberRefreshTokens(flow, request);
      continue;
    }
    if (request.grantType === 'refresh_token') {
      const presented = comparableSecret(request.refreshToken);
      const byToken = presented !== undefined ? byRefreshToken.get(presented) : undefined;
      // Without the token response body the refresh token is unknown: fall back to the same client at the
      // same token endpoint, and say so through `pairedBy`.
      const byClient = byToken ? undefined : flowsByClient.latest(request);
      const flow = byToken ?? byClient ?? newFlow(request.exchange);
      if (byToken) pairedBy.set(request, 'refresh_token');
      else if (byClient) pairedBy.set(request, 'client');
      flow.refreshes.push(request);
      flowsByClient.update(flow);
      rememberRefreshTokens(flow, request);
      continue;
    }
    const code = comparableSecret(request.code);
    let flow = code !== undefined ? byCode.get(code) : undefined;
    const byClient = !flow && code === undefined && request.code !== undefined ? redactedCodes.take(request) : undefined;
    if (byClient) {
      flow = byClient;
      pairedBy.set(request, 'client');
    } else if (!flow) {
      flow = newFlow(request.exchange);
      if (code !== undefined) byCode.set(code, flow);
    } else {
      pairedBy.set(request, 'code');
    }
    flow.codeExchanges.push(request);
    flowsByClient.update(flow);
    rememberRefreshTokens(flow, request);
  }

  const roleExchanges = new Set<Exchange>([
    ...classified.authorizations.map((a) => a.exchange),
    ...classified.callbacks.flatMap((c) => [c.exchange, c.arrival].filter((e): e is Exchange => !!e)),
  ]);
  const metadataIndex = indexMetadata(classified.metadata);
  const signIn = signInCandidates(ordered, roleExchanges);
  const verification = classified.deviceAuthorizations.length
    ? verificationPages(flows, ordered, new Set([...roleExchanges, ...classified.tokenRequests.map((r) => r.exchange)]))
    : new Map<CorrelatedFlow, VerificationPage[]>();
  for (const flow of flows) {
    bindIssuer(flow, metadataIndex);
    flow.steps = stepsOf(flow, signIn, pairedBy, verification.get(flow) ?? []);
    flow.notes = evidenceGaps(flow);
  }
  attachResourceCalls(flows, classified);
  return flows.sort((a, b) => (a.steps[0]?.time ?? 0) - (b.steps[0]?.time ?? 0));
}

/**
 * Authorization flows that share one pairing key (a state, a redirect target…), in time order. A callback
 * pairs with the latest flow that started at or before it, preferring one still pending (no callback yet):
 * a binary search finds where "at or before" ends, and pointers that skip flows already paired (paired flows
 * never become pending again) find the latest pending one, so a client that repeats one request N times
 * costs O(N log N) to pair, not O(N²).
 */
class FlowChain {
  private readonly flows: CorrelatedFlow[] = [];
  private times: number[] = [];
  /** Per position: a position at or before it where a pending flow may be (-1: none), compressed as found. */
  private pendingAtOrBefore: number[] = [];

  add(flow: CorrelatedFlow): void {
    this.flows.push(flow);
  }

  /** Once every flow is in. Stable, so of flows started at the same time the last one added stays the latest. */
  seal(): void {
    this.flows.sort((a, b) => a.authorization!.exchange.time - b.authorization!.exchange.time);
    this.times = this.flows.map((f) => f.authorization!.exchange.time);
    this.pendingAtOrBefore = this.flows.map((_, i) => i);
  }

  /** The latest flow started at or before `time`. */
  latest(time: number): CorrelatedFlow | undefined {
    return this.flows[this.startedBy(time) - 1];
  }

  /** The latest flow without a callback yet started at or before `time`. */
  latestPending(time: number): CorrelatedFlow | undefined {
    const up = this.pendingAtOrBefore;
    const start = this.startedBy(time) - 1;
    let at = start;
    while (at >= 0) {
      if (up[at] !== at) at = up[at]!;
      else if (this.flows[at]!.callback) {
        up[at] = at - 1;
        at--;
      } else break;
    }
    for (let i = start; i > at; ) {
      const next = up[i]!;
      up[i] = at;
      i = next;
    }
    return at >= 0 ? this.flows[at] : undefined;
  }

  /** How many flows started at or before `time`. */
  private startedBy(time: number): number {
    return partitionPoint(this.times.length, (i) => this.times[i]! <= time);
  }
}

/** Authorization flows indexed by the values a callback can be paired with. */
interface FlowIndex {
  byState: Map<string, FlowChain>;
  /** By state, then by each issuer identifier the flow's server may send back in `iss` (RFC 9207 §2). */
  byStateAndIssuer: Map<string, Map<string, FlowChain>>;
  byRedirectTarget: Map<string, TargetChains>;
}

/** The flows of one redirect target: all, the stateless ones, and both per tab (`undefined`: tab unknown). */
interface TargetChains {
  all: FlowChain;
  stateless: FlowChain;
  byTab: Map<number | undefined, FlowChain>;
  statelessByTab: Map<number | undefined, FlowChain>;
}

function indexFlows(flows: readonly CorrelatedFlow[]): FlowIndex {
  const index: FlowIndex = { byState: new Map(), byStateAndIssuer: new Map(), byRedirectTarget: new Map() };
  const chains: FlowChain[] = [];
  const newChain = () => {
    const chain = new FlowChain();
    chains.push(chain);
    return chain;
  };
  const mapOf = <K, V>(map: Map<K, V>, key: K, create: () => V): V => {
    let value = map.get(key);
    if (value === undefined) {
      value = create();
      map.set(key, value);
    }
    return value;
  };
  const chainOf = <K>(map: Map<K, FlowChain>, key: K) => mapOf(map, key, newChain);
  for (const flow of flows) {
    const auth = flow.authorization;
    if (!auth) continue;
    if (auth.state !== undefined) {
      chainOf(index.byState, auth.state).add(flow);
      const byIssuer = mapOf(index.byStateAndIssuer, auth.state, () => new Map<string, FlowChain>());
      for (const issuer of new Set(issuerCandidates(flow))) chainOf(byIssuer, issuer).add(flow);
    }
    const target = targetOf(auth.redirectUri);
    if (target === undefined) continue;
    const sameTarget = mapOf(index.byRedirectTarget, target, () => ({
      all: newChain(),
      stateless: newChain(),
      byTab: new Map<number | undefined, FlowChain>(),
      statelessByTab: new Map<number | undefined, FlowChain>(),
    }));
    const tab = auth.exchange.tabId;
    sameTarget.all.add(flow);
    chainOf(sameTarget.byTab, tab).add(flow);
    if (auth.state === undefined) {
      sameTarget.stateless.add(flow);
      chainOf(sameTarget.statelessByTab, tab).add(flow);
    }
  }
  for (const chain of chains) chain.seal();
  return index;
}

function flowForCallback(index: FlowIndex, callback: Callback): { flow?: CorrelatedFlow; by?: Step['pairedBy'] } {
  const time = callback.exchange.time;
  if (callback.state !== undefined) {
    const sameState = index.byState.get(callback.state);
    const ofIssuer = callback.iss ? index.byStateAndIssuer.get(callback.state)?.get(callback.iss) : sameState;
    // A pending flow of the issuer that answered, then any pending flow, then (a repeat) any flow.
    const flow = ofIssuer?.latestPending(time) ?? sameState?.latestPending(time) ?? sameState?.latest(time);
    return { flow, by: 'state' };
  }
  // No state came back: only the redirect target can tie it to a flow (and the state rules will speak). A
  // pending stateless flow in the same tab, then in any tab, then any pending flow in the same tab, then in any.
  const sameTarget = index.byRedirectTarget.get(callback.target);
  const tab = callback.exchange.tabId;
  const flow =
    sameTarget?.statelessByTab.get(tab)?.latestPending(time) ??
    sameTarget?.stateless.latestPending(time) ??
    sameTarget?.byTab.get(tab)?.latestPending(time) ??
    sameTarget?.all.latestPending(time);
  return { flow, by: 'redirect_uri' };
}

function issuerCandidates(flow: CorrelatedFlow): string[] {
  const origin = flow.authorization ? splitUrl(flow.authorization.endpoint)?.origin : undefined;
  return [flow.issuer, origin, origin && `${origin}/`].filter((s): s is string => !!s);
}

function targetOf(uri: string | undefined): string | undefined {
  return uri ? splitUrl(uri)?.target : undefined;
}

/**
 * The flows that have a token request, by client and token endpoint, for the refreshes whose refresh token is
 * unknown (no response body observed, the extension's usual case): the latest such flow started before the
 * refresh is its flow. Indexed so that many flows and many refreshes stay O(n log n).
 */
class FlowsByClient {
  /** Per client and endpoint: flows ordered by their first token request's time, then by creation. */
  readonly #lists = new Map<string, { flow: CorrelatedFlow; time: number; order: number }[]>();
  readonly #registered = new Map<CorrelatedFlow, { key: string; request: TokenRequest }>();
  readonly #order: ReadonlyMap<CorrelatedFlow, number>;

  constructor(order: ReadonlyMap<CorrelatedFlow, number>) {
    this.#order = order;
  }

  /** Call after a token request joined `flow`: files the flow under its first token request. */
  update(flow: CorrelatedFlow): void {
    const first = firstTokenRequestOf(flow);
    if (!first || this.#registered.get(flow)?.request === first) return;
    const previous = this.#registered.get(flow);
    if (previous) {
      const list = this.#lists.get(previous.key)!;
      list.splice(
        list.findIndex((e) => e.flow === flow),
        1,
      );
    }
    const key = JSON.stringify([clientOf(flow) ?? null, first.endpoint]);
    const entry = { flow, time: first.exchange.time, order: this.#order.get(flow)! };
    let list = this.#lists.get(key);
    if (!list) this.#lists.set(key, (list = []));
    // Token requests arrive in time order, so this is an append but for ties and odd inputs.
    let at = list.length;
    while (at > 0 && (list[at - 1]!.time > entry.time || (list[at - 1]!.time === entry.time && list[at - 1]!.order > entry.order))) at--;
    list.splice(at, 0, entry);
    this.#registered.set(flow, { key, request: first });
  }

  /** The flow of the same client at the same endpoint whose first token request is the latest not after `request`. */
  latest(request: TokenRequest): CorrelatedFlow | undefined {
    const list = this.#lists.get(JSON.stringify([clientOfTokenRequest(request) ?? null, request.endpoint]));
    if (!list) return undefined;
    const after = partitionPoint(list.length, (i) => list[i]!.time <= request.exchange.time);
    return after > 0 ? list[after - 1]!.flow : undefined;
  }
}

/**
 * Flows whose callback carried a code redacted without a number (a redacted HAR export, an older one or a
 * report's URL pasted back), waiting for the token request that redeems it: the code cannot pair them, so a
 * token request of the same client presenting such a code pairs with the one flow whose callback came before
 * it and whose code is not redeemed yet. With two such flows pending (two sign-ins at once) which code went
 * where is not observable, and the request starts a flow of its own. Per client, callbacks in time order: the
 * pending ones before a request are a prefix (each request takes the first), so a pointer and a binary search
 * keep this O(n log n).
 */
class RedactedCodeCallbacks {
  readonly #byClient = new Map<string, { flows: { flow: CorrelatedFlow; time: number }[]; next: number }>();

  constructor(flows: readonly CorrelatedFlow[]) {
    for (const flow of flows) {
      const callback = flow.callback;
      if (callback?.code === undefined || callback.error !== undefined || comparableSecret(callback.code) !== undefined) continue;
      const key = JSON.stringify(clientOf(flow) ?? null);
      let entry = this.#byClient.get(key);
      if (!entry) this.#byClient.set(key, (entry = { flows: [], next: 0 }));
      entry.flows.push({ flow, time: callback.exchange.time });
    }
    for (const entry of this.#byClient.values()) entry.flows.sort((a, b) => a.time - b.time);
  }

  /** The one pending flow this request can redeem the code of, taken off the list; undefined when none or several. */
  take(request: TokenRequest): CorrelatedFlow | undefined {
    const entry = this.#byClient.get(JSON.stringify(clientOfTokenRequest(request) ?? null));
    if (!entry) return undefined;
    const { flows } = entry;
    const before = partitionPoint(flows.length, (i) => flows[i]!.time <= request.exchange.time, entry.next);
    if (before - entry.next !== 1) return undefined;
    return flows[entry.next++]!.flow;
  }
}

/** Discovery documents by the endpoints they name (the first document naming an endpoint wins). */
interface MetadataIndex {
  byAuthorizationEndpoint: Map<string, ServerMetadata>;
  byTokenEndpoint: Map<string, ServerMetadata>;
}

function indexMetadata(metadata: readonly ServerMetadata[]): MetadataIndex {
  const index: MetadataIndex = { byAuthorizationEndpoint: new Map(), byTokenEndpoint: new Map() };
  for (const m of metadata) {
    const authorization = targetOf(m.authorizationEndpoint);
    const token = targetOf(m.tokenEndpoint);
    if (authorization && !index.byAuthorizationEndpoint.has(authorization)) index.byAuthorizationEndpoint.set(authorization, m);
    if (token && !index.byTokenEndpoint.has(token)) index.byTokenEndpoint.set(token, m);
  }
  return index;
}

function bindIssuer(flow: CorrelatedFlow, metadata: MetadataIndex): void {
  const endpoint = flow.authorization?.endpoint;
  const tokenEndpoint = firstTokenRequestOf(flow)?.endpoint;
  const found =
    (endpoint !== undefined ? metadata.byAuthorizationEndpoint.get(endpoint) : undefined) ??
    (tokenEndpoint !== undefined ? metadata.byTokenEndpoint.get(tokenEndpoint) : undefined);
  if (found?.issuer) {
    flow.metadata = found;
    flow.issuer = found.issuer;
    flow.issuerSource = 'metadata';
  } else if (flow.callback?.iss) {
    flow.issuer = flow.callback.iss;
    flow.issuerSource = 'iss';
  } else if (endpoint) {
    flow.issuer = splitUrl(endpoint)?.origin;
    flow.issuerSource = 'authorization-origin';
  }
}

function stepsOf(
  flow: CorrelatedFlow,
  signIn: SignInCandidates,
  pairedBy: Map<object, Step['pairedBy']>,
  verification: readonly VerificationPage[],
): Step[] {
  const steps: Step[] = [];
  const add = (kind: Step['kind'], exchange: Exchange, by?: Step['pairedBy']) =>
    steps.push({
      kind,
      exchangeId: exchange.id,
      time: exchange.time,
      method: exchange.method,
      url: exchange.url,
      status: exchange.status,
      ...(exchange.observedBy ? { observedBy: exchange.observedBy } : {}),
      ...(by ? { pairedBy: by } : {}),
    });

  const auth = flow.authorization;
  if (auth?.par) add('par', auth.par.exchange);
  // A pushed authorization starts at its PAR request; the front-channel request joins it by the request_uri the
  // PAR response issued (RFC 9126 §4), or, without that response body, by client and server (classify.ts).
  if (auth) add('authorize', auth.exchange, auth.par ? (auth.par.requestUri === auth.requestUri ? 'request_uri' : 'client') : undefined);
  if (auth) {
    const end = flow.callback?.exchange.time ?? Number.POSITIVE_INFINITY;
    for (const exchange of signInPages(auth, end, signIn)) add('sign-in', exchange);
  }
  for (const callback of callbacksOf(flow)) {
    add('callback', callback.exchange, pairedBy.get(callback));
    if (callback.arrival && callback.arrival !== callback.exchange) add('callback', callback.arrival, pairedBy.get(callback));
  }
  if (flow.deviceAuthorization) add('device-authorization', flow.deviceAuthorization.exchange);
  for (const page of verification) add('verification', page.exchange, page.by);
  for (const request of flow.codeExchanges) add('token', request.exchange, pairedBy.get(request));
  for (const request of flow.refreshes) add('refresh', request.exchange, pairedBy.get(request));
  return steps.sort((a, b) => a.time - b.time);
}

const MAX_SIGN_IN_PAGES = 200;

/**
 * Front-channel exchanges that may be sign-in pages (not an authorization request or callback, not from
 * script), in time order, by the text their URL starts with before a '/'. An origin is a scheme alone (opaque)
 * or scheme://host, so a URL starts with `${origin}/` only if the origin is its text before its first or its
 * third '/': each exchange is filed under both. A flow then reads its server's pages only, not every exchange
 * after it (a flow that never got its callback would read to the end of the capture).
 */
type SignInCandidates = Map<string, Exchange[]>;

function signInCandidates(ordered: readonly Exchange[], roles: ReadonlySet<Exchange>): SignInCandidates {
  const byPrefix: SignInCandidates = new Map();
  const file = (prefix: string, ex: Exchange) => {
    const list = byPrefix.get(prefix);
    if (list) list.push(ex);
    else byPrefix.set(prefix, [ex]);
  };
  for (const ex of ordered) {
    if (roles.has(ex) || ex.initiator === 'fetch' || ex.initiator === 'other') continue;
    const first = ex.url.indexOf('/');
    if (first === -1) continue;
    file(ex.url.slice(0, first), ex);
    const second = ex.url.indexOf('/', first + 1);
    const third = second === -1 ? -1 : ex.url.indexOf('/', second + 1);
    if (third !== -1) file(ex.url.slice(0, third), ex);
  }
  return byPrefix;
}

/**
 * The pages between the authorization request and the callback: front-channel requests to the authorization
 * server's origin (login, consent, MFA), in the same tab when tabs are known.
 */
function signInPages(auth: AuthorizationRequest, end: number, signIn: SignInCandidates): Exchange[] {
  const origin = splitUrl(auth.endpoint)?.origin;
  const candidates = signIn.get(`${origin}`) ?? [];
  const pages: Exchange[] = [];
  for (let i = firstIndexAtOrAfter(candidates, auth.exchange.time); i < candidates.length && pages.length < MAX_SIGN_IN_PAGES; i++) {
    const ex = candidates[i]!;
    if (ex.time > end) break;
    if (auth.exchange.tabId !== undefined && ex.tabId !== undefined && ex.tabId !== auth.exchange.tabId) continue;
    pages.push(ex);
  }
  return pages;
}

function firstIndexAtOrAfter(ordered: readonly Exchange[], time: number): number {
  return partitionPoint(ordered.length, (i) => ordered[i]!.time < time);
}

/**
 * Userinfo and revocation calls join the flow whose access or refresh token they present (a bearer token,
 * RFC 6750 §2.1; the revoked `token`, RFC 7009 §2.1), and say which of the two it was.
 */
function attachResourceCalls(flows: readonly CorrelatedFlow[], classified: Classified): void {
  const byToken = new Map<string, { flow: CorrelatedFlow; by: PairedBy }>();
  for (const flow of flows) {
    for (const request of tokenRequestsOf(flow)) {
      const { accessToken, refreshToken } = request.response ?? {};
      if (accessToken) byToken.set(accessToken, { flow, by: 'access_token' });
      if (refreshToken) byToken.set(refreshToken, { flow, by: 'refresh_token' });
    }
  }
  const attach = (kind: 'userinfo' | 'revocation', exchange: Exchange, token: string | undefined) => {
    const found = token ? byToken.get(token) : undefined;
    if (!found) return;
    const { flow, by } = found;
    flow.steps.push({
      kind,
      exchangeId: exchange.id,
      time: exchange.time,
      method: exchange.method,
      url: exchange.url,
      status: exchange.status,
      ...(exchange.observedBy ? { observedBy: exchange.observedBy } : {}),
      pairedBy: by,
    });
    flow.steps.sort((a, b) => a.time - b.time);
  };
  for (const exchange of classified.userinfo) attach('userinfo', exchange, bearerToken(exchange));
  for (const exchange of classified.revocations) {
    attach(
      'revocation',
      exchange,
      exchange.requestBody.kind === 'form' ? exchange.requestBody.params.find((p) => p.name === 'token')?.value : undefined,
    );
  }
}

function bearerToken(exchange: Exchange): string | undefined {
  const authorization = exchange.requestHeaders.find((h) => h.name === 'authorization')?.value;
  const match = authorization && /^(?:bearer|dpop)\s+(\S+)$/i.exec(authorization.trim());
  return match?.[1];
}

function formText(exchange: Exchange): string | undefined {
  return exchange.requestBody.kind === 'form' ? exchange.requestBody.raw : undefined;
}

function evidenceGaps(flow: CorrelatedFlow): string[] {
  const notes: string[] = [];
  if (!flow.authorization && !flow.deviceAuthorization)
    notes.push('authorization request not observed (capture may have started mid-flow)');
  const callback = flow.callback;
  const refusedWith = flow.authorization?.exchange.status;
  if (flow.authorization && !callback)
    notes.push(
      refusedWith !== undefined && refusedWith >= 400
        ? `callback not observed: the authorization server answered ${refusedWith} instead of redirecting back`
        : 'callback not observed: the sign-in is still pending, was abandoned, or never returned to the redirect_uri',
    );
  // A callback no token request followed is the no-token-request diagnosis's (src/core/diagnose/), not a note.
  for (const request of tokenRequestsOf(flow)) {
    if (request.exchange.status === undefined)
      notes.push(`token response not observed for ${request.exchange.id}${request.exchange.error ? ` (${request.exchange.error})` : ''}`);
    else if (request.response?.bodyProblem) notes.push(`token response body: ${request.response.bodyProblem}`);
  }
  // A sanitized HAR removed every Authorization header: whether the client authenticated with HTTP Basic (RFC 6749
  // §2.3.1), and with which client_id and secret, cannot be told, so the checks that need it say nothing.
  const backChannel = [flow.authorization?.par?.exchange, ...tokenRequestsOf(flow).map((r) => r.exchange)];
  if (backChannel.some((exchange) => exchange !== undefined && headerRemoved(exchange, 'authorization')))
    notes.push('HTTP Basic client authentication not observable: the HAR was exported without its Authorization headers (sanitized)');
  // RFC 3986 §2.1: a '%' starts a two-hex-digit escape. A broken one is kept literally, so say so.
  const raw = [
    ['authorization request', flow.authorization ? splitUrl(flow.authorization.exchange.url)?.query : undefined],
    ['callback', callback ? (callback.mode === 'form_post' ? formText(callback.exchange) : callback.url) : undefined],
    ...flow.codeExchanges.map((r) => ['token request body', formText(r.exchange)] as const),
  ] as const;
  for (const [where, text] of raw) {
    if (text && hasBrokenPercentEncoding(text))
      notes.push(`${where} has broken percent-encoding (a '%' without two hex digits): those characters were kept as they are`);
  }
  const idTokens = [callback?.idToken, ...tokenRequestsOf(flow).map((r) => r.response?.idToken)].filter(
    (t): t is string => t !== undefined && !isRedacted(t),
  );
  for (const token of idTokens) {
    const decoded = decodeJwtParts(token);
    if (!decoded.ok) notes.push(`id_token does not decode as a JWT (${decoded.problem})`);
  }
  return notes;
}
