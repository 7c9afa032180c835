/** Deep capture's words in the popup: what it reads, what Chrome shows while it is on, when it stops. Pure. */

export const DEEP_CAPTURE_TITLE = 'Deep capture for this tab';

/** Said before the user turns it on: the permission Chrome asks for and the bar it shows. */
export const DEEP_CAPTURE_EXPLAINED =
  'Reads the response bodies of this tab\'s OAuth requests (token, discovery, JWKS, userinfo) through Chrome\'s debugger, for what the page\'s own script cannot report (pages of another origin, module workers). The first time, Chrome asks for the "debugger" permission. While it is on, Chrome shows the bar "OAuth Lens started debugging this browser" (its Cancel turns deep capture off). It stops when you turn it off or close the tab. Nothing leaves this machine.';

export const DEEP_CAPTURE_ON = 'On: the response bodies of this tab’s OAuth requests are read.';
export const DEEP_CAPTURE_REFUSED = 'Chrome did not grant the debugger permission: deep capture stays off.';
