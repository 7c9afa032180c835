/**
 * The popup entry: connects to the worker (reconnecting if MV3 stopped it), analyzes each snapshot with the
 * pure core, and renders. `?tabId=ID` (or the older `?tab=ID`) shows another tab's flows (the popup opened as a
 * page, as in tests).
 */
import { render } from 'preact';
import browser from 'webextension-polyfill';
import { connectToWorker } from '../messaging/connection.ts';
import { requestedTabId } from '../report/requested-tab.ts';
import { popupModel, type PopupModel } from './model.ts';
import { Popup, type PopupProps } from './Popup.tsx';
import { DeepCapture } from './DeepCapture.tsx';
import './popup.css';

const app = document.getElementById('app')!;
const tabId = requestedTabId(location.search) ?? (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;

/** Firefox's add-on reads response bodies itself (stream filters, src/background/response-bodies.ts); Chrome's cannot. */
const readsBodiesItself = typeof browser.webRequest?.filterResponseData === 'function';

let model: PopupModel | undefined;
let error: string | undefined;
let status: PopupProps['status'] = 'connected';
// Analyses are async: only the newest snapshot's result is drawn.
let generation = 0;

const showError = (e: Error) => {
  error = e.message;
  draw();
};

const draw = () =>
  render(
    <>
      <Popup
        model={model}
        status={status}
        error={error}
        bodyHint={!readsBodiesItself}
        onClear={() => void connection.request({ type: 'clear' }).catch(showError)}
        onOpenInPanel={(flowId, flowTab) =>
          void browser.tabs
            .create({ url: browser.runtime.getURL(`src/devtools/panel.html?tab=${flowTab}&flow=${encodeURIComponent(flowId)}`) })
            .catch(showError)
        }
      />
      <DeepCapture tabId={tabId} />
    </>,
    app,
  );

const connection = connectToWorker(browser.runtime, {
  onSnapshot(snapshot) {
    const mine = ++generation;
    void popupModel(snapshot, tabId).then((next) => {
      if (mine !== generation) return;
      model = next;
      draw();
    });
  },
  onStatus(next) {
    status = next;
    draw();
  },
});
draw();
