import { render } from 'preact';

// The panel view (timelines, PKCE card, findings) arrives with the DevTools panel issue.
function Panel() {
  return <main><h1>OAuth Lens</h1><p>No flows captured yet.</p></main>;
}

render(<Panel />, document.getElementById('app')!);
