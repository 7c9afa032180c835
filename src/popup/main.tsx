import { render } from 'preact';

// The popup's summary of the last flow arrives with the capture issue.
function Popup() {
  return <main><h1>OAuth Lens</h1><p>No flow captured in this tab yet.</p></main>;
}

render(<Popup />, document.getElementById('app')!);
