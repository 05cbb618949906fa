// The only place that touches acquireVsCodeApi() (GitLens rule): everything else asks getHost().
// Tests swap the host with setHost() before main.ts runs, or define a fake acquireVsCodeApi on window.

/** What the panel needs from VS Code's webview API. */
export interface WebviewHost {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): WebviewHost;

let host: WebviewHost | undefined;

/** Replaces the host (tests). Call before main() starts. */
export function setHost(h: WebviewHost): void {
  host = h;
}

/** The VS Code API, acquired once (acquireVsCodeApi throws when called twice). */
export function getHost(): WebviewHost {
  if (!host) {
    if (typeof acquireVsCodeApi !== 'function') throw new Error('acquireVsCodeApi is not available: not running inside a VS Code webview');
    host = acquireVsCodeApi();
  }
  return host;
}
