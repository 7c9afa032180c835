/** One exchange: request and response headers, body parameters, Location. Secrets masked. */
import { Fragment } from 'preact';
import type { Body, Header } from '../../core/model.ts';
import { NAVIGATION_ONLY_DETAIL } from '../../core/status-words.ts';
import type { Source } from '../sources.ts';
import { isSecretParameter } from '../../core/secret-parameters.ts';
import { visibleLines } from '../../report/text.ts';
import { PAGE_REPORTED_BODY } from '../../report/body-source.ts';
import { excerptOf } from '../../core/body.ts';
import { omissionNote } from '../detail.ts';
import { Masked, Secret, useMask } from './Secret.tsx';

/** `onClose`: the timeline's open exchange has a close button; the Raw tab's list has none. */
export function ExchangeView({ source, exchangeId, onClose }: { source: Source; exchangeId: string; onClose?: () => void }) {
  const ex = source.exchangeById.get(exchangeId);
  if (!ex) return null;
  return (
    <section class="exchange" data-section="exchange" data-exchange-id={ex.id}>
      <header>
        <h3 class="exchange-url">
          <span class="method">{ex.method}</span> <Masked source={source} text={ex.url} url copy />
        </h3>
        {onClose && (
          <button type="button" class="link" onClick={onClose}>
            close
          </button>
        )}
      </header>
      <dl>
        <dt>Status</dt>
        <dd data-field="status">
          {ex.status ??
            (ex.error ? <Masked source={source} text={ex.error} /> : ex.observedBy ? NAVIGATION_ONLY_DETAIL : 'no response observed')}
        </dd>
        <dt>Initiator</dt>
        <dd>
          {ex.initiator}
          {ex.initiatorOrigin && (
            <>
              {' '}
              from <Masked source={source} text={ex.initiatorOrigin} />
            </>
          )}
        </dd>
        {ex.location !== undefined && (
          <>
            <dt>Location</dt>
            <dd data-field="location">
              <Masked source={source} text={ex.location} url copy />
            </dd>
          </>
        )}
      </dl>
      <h4>Request headers</h4>
      <Headers source={source} headers={ex.requestHeaders} />
      <h4>Request body</h4>
      <BodyView source={source} body={ex.requestBody} revealKey={`${ex.id}/request`} />
      <h4>Response headers</h4>
      <Headers source={source} headers={ex.responseHeaders} />
      <h4>Response body</h4>
      {ex.responseBodyFrom === 'page' && (
        <p class="muted" data-body-from="page">
          {PAGE_REPORTED_BODY}
        </p>
      )}
      {ex.responseBody ? (
        <BodyView source={source} body={ex.responseBody} revealKey={`${ex.id}/response`} />
      ) : (
        <p class="muted">Not observed (the browser capture never sees response bodies; import a HAR for them).</p>
      )}
    </section>
  );
}

function Headers({ source, headers }: { source: Source; headers: readonly Header[] }) {
  if (!headers.length) return <p class="muted">none observed</p>;
  return (
    <dl class="headers">
      {headers.map((h, i) => (
        <Fragment key={i}>
          <dt>{h.name}</dt>
          <dd>
            <Masked source={source} text={h.value} />
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

function BodyView({ source, body, revealKey }: { source: Source; body: Body; revealKey: string }) {
  switch (body.kind) {
    case 'none':
      return <p class="muted">none</p>;
    case 'binary':
      return (
        <p class="muted">
          {body.size} bytes of binary data{body.mimeType ? ` (${body.mimeType})` : ''}
        </p>
      );
    case 'text':
      return <TextBody source={source} body={body} />;
    case 'form':
      return (
        <dl class="params" data-field="form">
          {body.params.map((p, i) => (
            <Fragment key={i}>
              <dt>{p.name}</dt>
              <dd>
                {isSecretParameter(p.name) ? (
                  <Secret id={`${revealKey}/${i}`} label={p.name} value={p.value} />
                ) : (
                  <Masked source={source} text={p.value} />
                )}
              </dd>
            </Fragment>
          ))}
        </dl>
      );
  }
}

/**
 * A text body, masked, then cut to the core's bound (masking first: a secret cut in two would not be
 * recognised), with a note saying how much is not shown.
 */
function TextBody({ source, body }: { source: Source; body: Extract<Body, { kind: 'text' }> }) {
  const mask = useMask(source);
  const excerpt = excerptOf(mask(body.text));
  const omitted = omissionNote(excerpt);
  return (
    <>
      <pre class="body-text" data-field="body-text">
        {visibleLines(excerpt.text)}
      </pre>
      {omitted && (
        <p class="muted" data-field="body-omitted" data-omitted-chars={excerpt.omittedChars}>
          {omitted}
        </p>
      )}
      {body.truncated && (
        <p class="muted" data-field="body-cut">
          The capture cut this body: only its first {body.text.length.toLocaleString('en')} characters were kept.
        </p>
      )}
    </>
  );
}
