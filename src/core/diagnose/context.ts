/**
 * What a diagnosis may need beyond its own flow, indexed once per analysis so that diagnosing every flow
 * stays near-linear: when the same app started over, the last redirect_uri that worked for a client, the
 * authorization requests still waiting for a callback, and the CORS preflights (which belong to no flow).
 */
import type { Callback, Exchange, Flow } from '../model.ts';
import { header, splitUrl } from '../params.ts';
import { partitionPoint } from '../sorted.ts';

export interface DiagnosisContext {
  /** When the next flow of the same app started after `time` (never `flow` itself). */
  nextStartAfter(flow: Flow, callback: Callback, time: number): number | undefined;
  /**
   * When the next authorization request to the same authorization server was sent after this flow's: where
   * its sign-in pages end (a flow without a callback is given every page of its server after it).
   */
  nextAuthorizationAfter(flow: Flow): number | undefined;
  /** The most recently started flow of the client that reached its callback, with a redirect_uri. */
  lastWorking(clientId: string): Flow | undefined;
  /** The states of authorization requests to `target` sent by `time` and not answered before it, latest first. */
  pendingStates(target: string, time: number): string[];
  /** CORS preflights (OPTIONS with Access-Control-Request-Method and Origin) to `endpoint`, within [from, until]. */
  preflightsTo(endpoint: string, from: number, until: number): Exchange[];
  /** An exchange by its id (a flow's steps name their exchanges by id). */
  exchange(id: string): Exchange | undefined;
}

/** When the callback arrived: the browser's request to the redirect_uri, else the response that carried it. */
export function arrivalTime(callback: Callback): number {
  return (callback.arrival ?? callback.exchange).time;
}

/** At most this many pending states are named: enough to recognise the one the app expected. */
const PENDING_LISTED = 5;
/** Authorization requests examined for pending states, latest first: a loop of thousands stays cheap. */
const PENDING_EXAMINED = 100;

interface Timed<T> {
  time: number;
  item: T;
}

export function diagnosisContext(flows: readonly Flow[], exchanges: readonly Exchange[]): DiagnosisContext {
  const startsByClient = new Map<string, Timed<Flow>[]>();
  const requestsByServer = new Map<string, Timed<Flow>[]>();
  const startsByRedirect = new Map<string, Timed<Flow>[]>();
  const requestsByRedirect = new Map<string, Timed<Flow>[]>();
  const lastWorkingByClient = new Map<string, Flow>();
  for (const flow of flows) {
    const auth = flow.authorization;
    if (!auth) continue;
    const start = flow.steps[0]?.time ?? auth.exchange.time;
    if (auth.clientId !== undefined) push(startsByClient, auth.clientId, { time: start, item: flow });
    const server = splitUrl(auth.endpoint)?.origin;
    if (server !== undefined) push(requestsByServer, server, { time: auth.exchange.time, item: flow });
    const redirectTarget = auth.redirectUri !== undefined ? splitUrl(auth.redirectUri)?.target : undefined;
    if (redirectTarget !== undefined) {
      push(startsByRedirect, redirectTarget, { time: start, item: flow });
      if (auth.state) push(requestsByRedirect, redirectTarget, { time: auth.exchange.time, item: flow });
    }
    if (flow.callback && auth.clientId !== undefined && auth.redirectUri !== undefined) {
      const known = lastWorkingByClient.get(auth.clientId);
      if (!known || (known.steps[0]?.time ?? 0) <= start) lastWorkingByClient.set(auth.clientId, flow);
    }
  }
  for (const index of [startsByClient, startsByRedirect, requestsByRedirect, requestsByServer])
    for (const list of index.values()) list.sort(byTime);

  const preflightsByEndpoint = new Map<string, Timed<Exchange>[]>();
  for (const exchange of exchanges) {
    if (exchange.method !== 'OPTIONS') continue;
    if (header(exchange.requestHeaders, 'access-control-request-method') === undefined) continue;
    if (header(exchange.requestHeaders, 'origin') === undefined) continue;
    const endpoint = splitUrl(exchange.url)?.target;
    if (endpoint !== undefined) push(preflightsByEndpoint, endpoint, { time: exchange.time, item: exchange });
  }
  for (const list of preflightsByEndpoint.values()) list.sort(byTime);
  const exchangeById = new Map(exchanges.map((e) => [e.id, e]));

  return {
    nextStartAfter(flow, callback, time) {
      const clientId = flow.authorization?.clientId;
      const starts = clientId !== undefined ? startsByClient.get(clientId) : startsByRedirect.get(callback.target);
      if (!starts) return undefined;
      for (let i = firstAfter(starts, time); i < starts.length; i++) if (starts[i]!.item !== flow) return starts[i]!.time;
      return undefined;
    },
    nextAuthorizationAfter(flow) {
      const auth = flow.authorization;
      const server = auth ? splitUrl(auth.endpoint)?.origin : undefined;
      const requests = server !== undefined ? requestsByServer.get(server) : undefined;
      if (!auth || !requests) return undefined;
      for (let i = firstAfter(requests, auth.exchange.time); i < requests.length; i++)
        if (requests[i]!.item !== flow) return requests[i]!.time;
      return undefined;
    },
    lastWorking: (clientId) => lastWorkingByClient.get(clientId),
    pendingStates(target, time) {
      const requests = requestsByRedirect.get(target) ?? [];
      const states: string[] = [];
      const last = firstAfter(requests, time) - 1;
      for (let i = last; i >= 0 && last - i < PENDING_EXAMINED && states.length < PENDING_LISTED; i--) {
        const other = requests[i]!.item;
        const answeredBefore = other.callback !== undefined && arrivalTime(other.callback) < time;
        if (!answeredBefore) states.push(other.authorization!.state!);
      }
      return states;
    },
    preflightsTo(endpoint, from, until) {
      const preflights = preflightsByEndpoint.get(endpoint) ?? [];
      const found: Exchange[] = [];
      for (let i = firstAfter(preflights, from, true); i < preflights.length && preflights[i]!.time <= until; i++) {
        found.push(preflights[i]!.item);
      }
      return found;
    },
    exchange: (id) => exchangeById.get(id),
  };
}

function push<T>(index: Map<string, Timed<T>[]>, key: string, entry: Timed<T>): void {
  const list = index.get(key);
  if (list) list.push(entry);
  else index.set(key, [entry]);
}

function byTime<T>(a: Timed<T>, b: Timed<T>): number {
  return a.time - b.time;
}

/** The index of the first entry later than `time`, or at `time` too when `inclusive` (binary search over a time-sorted list). */
function firstAfter<T>(list: readonly Timed<T>[], time: number, inclusive = false): number {
  return partitionPoint(list.length, (i) => (inclusive ? list[i]!.time < time : list[i]!.time <= time));
}
