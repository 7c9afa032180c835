/**
 * Secrets are masked in the view until the user reveals them one by one: a screenshot of the panel or a
 * screen share must not leak a live token by default. Captured text is only ever a text node.
 */
import { visible } from '../../cli/formats/common.ts';
import { redactionMarker } from '../../core/redact.ts';
import type { Redactor } from '../../core/redact.ts';
import { useStore } from './context.ts';

export function Secret({ id, label, value }: { id: string; label: string; value: string }) {
  const store = useStore();
  const shown = store.revealAll.value || store.revealed.value.has(id);
  return (
    <span class="secret" data-secret={label} data-revealed={shown ? 'true' : 'false'}>
      <code>{shown ? visible(value) : redactionMarker(label, value)}</code>
      <button type="button" class="link" data-reveal={id} onClick={() => store.reveal(id, !shown)}>{shown ? 'hide' : 'reveal'}</button>
    </span>
  );
}

/** Free text (a URL, a body) with the source's secrets masked unless "reveal all" is on. */
export function Masked({ source, text }: { source: { redactor: Redactor }; text: string }) {
  const store = useStore();
  return <>{visible(store.revealAll.value ? text : source.redactor.text(text))}</>;
}

/** For attributes and exports: the same masking as a string. */
export function useMask(source: { redactor: Redactor }): (text: string) => string {
  const store = useStore();
  return (text) => (store.revealAll.value ? text : source.redactor.text(text));
}
