/**
 * What a rule is: its metadata (id, severity, title, citation, fix, evidence; documented on its page,
 * docs/rules/<id>.md) and a check that reports findings through the context.
 * A check may be async (a signature or a thumbprint computed with WebCrypto stays inside its rule): `analyze`
 * awaits it, and reports made after it settled are dropped. Rules never throw on odd input on purpose, but
 * `analyze` isolates each one anyway, a rejection as much as a throw.
 */
import type { Classified } from '../classify.ts';
import type { Evidence, Exchange, Flow, Severity } from '../model.ts';

export interface RuleMeta<Id extends string = string> {
  /** Stable id, equal to the file name (`src/core/rules/<id>.ts`). */
  id: Id;
  /** Default severity; a report may raise or lower it where the rule's page says so. */
  severity: Severity;
  title: string;
  /** Spec sections, e.g. `RFC 7636 §4.6`. */
  citation: string;
  /** One-line fix. */
  fix: string;
  /** What evidence the rule needs: `W` request/response metadata only, `B` response bodies, `W+B` both help. */
  evidence: 'W' | 'B' | 'W+B';
}

export interface Report {
  flow?: Flow;
  /** One sentence for people. Never put a secret value here: put it in `evidence` with `secret: true`. */
  message: string;
  severity?: Severity;
  exchanges?: readonly (Exchange | undefined)[];
  evidence?: Evidence[];
}

export interface RuleContext {
  /** Every flow, in time order. */
  flows: readonly Flow[];
  /** Every exchange, in time order. */
  exchanges: readonly Exchange[];
  classified: Classified;
  report(report: Report): void;
}

export interface Rule<Id extends string = string> {
  meta: RuleMeta<Id>;
  /** Reports through `context.report`; when async, every report must come before the promise settles. */
  check(context: RuleContext): void | Promise<void>;
}

/** Typed identity: keeps the literal id so the registry can derive the `RuleId` union. */
export function defineRule<const Id extends string>(rule: Rule<Id>): Rule<Id> {
  return rule;
}
