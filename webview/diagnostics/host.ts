// The only place that touches acquireVsCodeApi() (GitLens rule): everything else asks getHost().
// Tests define a fake acquireVsCodeApi on window before main.ts runs (test/webview/harness.ts).

/** What the panel needs from VS Code's webview API. */
export interface WebviewHost {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): WebviewHost;

let host: WebviewHost | undefined;

/** The VS Code API, acquired once (acquireVsCodeApi throws when called twice). */
export function getHost(): WebviewHost {
  if (!host) {
    if (typeof acquireVsCodeApi !== 'function') throw new Error('acquireVsCodeApi is not available: not running inside a VS Code webview');
    host = acquireVsCodeApi();
  }
  return host;
}
