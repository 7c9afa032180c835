/**
 * The popup's requests about deep capture (src/background/deep-capture.ts), sent with runtime.sendMessage: turn it
 * on or off for a tab (`on`), or ask whether it is on (no `on`). The answer is a DeepCaptureState.
 */
export const DEEP_CAPTURE_MESSAGE = 'oauth-lens/deep-capture';

export interface DeepCaptureRequest {
  type: typeof DEEP_CAPTURE_MESSAGE;
  tabId: number;
  on?: boolean;
}

export interface DeepCaptureState {
  on: boolean;
  /** Why it could not be turned on (another debugger attached, the permission refused…). */
  error?: string;
}
