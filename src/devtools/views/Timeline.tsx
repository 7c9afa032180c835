/** The flow's steps in order; sign-in pages collapsed and counted; a click opens the exchange. */
import { useState } from 'preact/hooks';
import type { Step } from '../../core/model.ts';
import { NAVIGATION_ONLY_DETAIL, statusWords } from '../../core/status-words.ts';
import { stepLabel } from '../../report/flow-facts.ts';
import { formatDuration } from '../../report/text.ts';
import { timeline } from '../detail.ts';
import type { FlowItem } from '../sources.ts';
import { useStore } from './context.ts';
import { Masked } from './Secret.tsx';

export function Timeline({ item }: { item: FlowItem }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const entries = timeline(item.flow, item.source.exchangeById);
  return (
    <ol class="timeline" data-section="timeline">
      {entries.map((entry, i) => {
        if (entry.kind === 'step') return <StepRow key={i} item={item} step={entry.step} durationMs={entry.durationMs} />;
        const expanded = open.has(i);
        return (
          <li key={i} class="sign-in-group" data-step-kind="sign-in-group" data-count={entry.steps.length}>
            <button
              type="button"
              class="link"
              aria-expanded={expanded}
              onClick={() => setOpen(new Set(expanded ? [...open].filter((x) => x !== i) : [...open, i]))}
            >
              {expanded ? '▾' : '▸'} {entry.steps.length} sign-in page{entry.steps.length === 1 ? '' : 's'} at the authorization server
            </button>
            <span class="muted"> {formatDuration(entry.durationMs)}</span>
            {expanded && (
              <ol>
                {entry.steps.map((s, j) => (
                  <StepRow key={j} item={item} step={s} durationMs={stepDuration(item, s)} />
                ))}
              </ol>
            )}
          </li>
        );
      })}
    </ol>
  );
}

function stepDuration(item: FlowItem, step: Step): number | undefined {
  const end = item.source.exchangeById.get(step.exchangeId)?.endTime;
  return end === undefined ? undefined : Math.max(0, end - step.time);
}

/**
 * A callback step is either the authorization server's redirect whose Location carries the response (where the
 * parameters were read, and the only one in fragment mode) or the browser's request to the redirect_uri.
 */
function labelOf(item: FlowItem, step: Step): string {
  const callback = item.flow.callback;
  if (step.kind === 'callback' && callback && step.exchangeId === callback.exchange.id && callback.exchange.location !== undefined)
    return 'redirect to callback';
  return stepLabel(item.flow, step);
}

function StepRow({ item, step, durationMs }: { item: FlowItem; step: Step; durationMs: number | undefined }) {
  const store = useStore();
  const selected = store.selectedExchangeId.value === step.exchangeId;
  return (
    <li class={`step${selected ? ' selected' : ''}`} data-step-kind={step.kind} data-exchange-id={step.exchangeId}>
      <button
        type="button"
        class="step-open"
        aria-pressed={selected}
        onClick={() => store.selectExchange(selected ? undefined : step.exchangeId)}
      >
        <span class="kind">{labelOf(item, step)}</span>
        <span class="method">{step.method}</span>
        <span class="url">
          <Masked source={item.source} text={step.url} url actions={false} />
        </span>
        <span
          class={`status s${Math.floor((step.status ?? 0) / 100)}${step.observedBy ? ' navigation-only' : ''}`}
          data-field="status"
          title={step.observedBy ? NAVIGATION_ONLY_DETAIL : undefined}
        >
          {statusWords(step)}
        </span>
        <span class="muted">{formatDuration(durationMs)}</span>
        {step.pairedBy && (
          <span class="paired muted" title="how this step was tied to the flow">
            by {step.pairedBy}
          </span>
        )}
      </button>
    </li>
  );
}
