/**
 * Deep capture's switch in the popup (Chrome): explains first what it does and the bar Chrome shows, then asks for
 * the optional `debugger` permission from the click itself (permissions.request needs the user's gesture), and has
 * the worker attach to the tab (src/background/deep-capture.ts). Shown only where the manifest offers it.
 */
import { useEffect, useState } from 'preact/hooks';
import { DEEP_CAPTURE_MESSAGE, type DeepCaptureRequest, type DeepCaptureState } from '../messaging/deep-capture.ts';
import { DEEP_CAPTURE_EXPLAINED, DEEP_CAPTURE_ON, DEEP_CAPTURE_REFUSED, DEEP_CAPTURE_TITLE } from '../report/deep-capture.ts';

const offered = () =>
  (globalThis.chrome?.runtime?.getManifest?.().optional_permissions as readonly string[] | undefined)?.includes('debugger') === true;

const ask = (request: Omit<DeepCaptureRequest, 'type'>): Promise<DeepCaptureState> =>
  chrome.runtime.sendMessage({ type: DEEP_CAPTURE_MESSAGE, ...request } satisfies DeepCaptureRequest);

export function DeepCapture({ tabId }: { tabId: number | undefined }) {
  const [state, setState] = useState<DeepCaptureState | undefined>(undefined);
  // Unfolded by the user, or while it is on; turning it off leaves it unfolded.
  const [unfolded, setUnfolded] = useState(false);
  const available = tabId !== undefined && tabId >= 0 && offered();
  useEffect(() => {
    if (!available) return;
    ask({ tabId }).then(setState, () => setState({ on: false }));
  }, [available, tabId]);
  if (!available) return null;

  const toggle = () => {
    const on = !state?.on;
    // Asked first, within the click: Chrome only shows its permission prompt for a user gesture.
    const granted = on ? chrome.permissions.request({ permissions: ['debugger'] }) : Promise.resolve(true);
    void granted
      .then((yes) => (yes ? ask({ tabId, on }) : { on: false, error: DEEP_CAPTURE_REFUSED }))
      .then(setState, (error: unknown) => setState({ on: false, error: error instanceof Error ? error.message : String(error) }));
  };

  return (
    <details
      class="deep-capture"
      id="deep-capture"
      open={unfolded || state?.on === true}
      onToggle={(event) => setUnfolded((event.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>{DEEP_CAPTURE_TITLE}</summary>
      <p>{DEEP_CAPTURE_EXPLAINED}</p>
      {state?.on && <p role="status">{DEEP_CAPTURE_ON}</p>}
      {state?.error && <p role="alert">{state.error}</p>}
      <button type="button" id="deep-capture-toggle" aria-pressed={state?.on === true} onClick={toggle}>
        {state?.on ? 'Turn off' : 'Turn on'}
      </button>
    </details>
  );
}
