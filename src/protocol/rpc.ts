// Request/response and notifications over any postMessage-like transport: the webview's postMessage,
// a worker_threads port, or child_process IPC. No vscode, no DOM, no tfjs.
import { fromWireError, toWireError, type WireError } from './errors';

/** A request the receiver answers: P is the params type, R the result. */
export interface RequestType<P, R> {
  readonly method: string;
  /** Phantom field carrying the types; never set. */
  readonly __types?: [P, R];
}
/** A one-way message. */
export interface NotificationType<P> {
  readonly method: string;
  readonly __types?: [P];
}
export const request = <P, R>(method: string): RequestType<P, R> => ({ method });
export const notification = <P>(method: string): NotificationType<P> => ({ method });

export type Wire =
  | { readonly kind: 'request'; readonly id: number; readonly method: string; readonly params: unknown }
  | { readonly kind: 'notification'; readonly method: string; readonly params: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly result?: unknown; readonly error?: WireError };

/** Anything that can be transferred rather than copied (ArrayBuffer, MessagePort, …). */
export type Transfer = readonly unknown[];

export interface EndpointOptions {
  /**
   * Turns what a request handler threw into what goes on the wire, before it is serialised: the worker maps
   * operating-system errors (ENOENT, ENOSPC…) to UserErrors here. Default: unchanged.
   */
  readonly mapError?: (e: unknown) => unknown;
}

/**
 * Request/response over a postMessage-like transport. Unknown methods answer with an error, never silence. A handler's
 * error crosses as a WireError (code, message, stack) and is rethrown on the sending side as a RemoteUserError or an
 * RpcError (src/protocol/errors.ts).
 */
export class Endpoint {
  private nextId = 1;
  private readonly pending = new Map<number, { method: string; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly requestHandlers = new Map<string, (params: unknown) => unknown>();
  private readonly notificationHandlers = new Map<string, (params: unknown) => void>();
  private disposed = false;

  constructor(
    private readonly post: (msg: Wire, transfer?: Transfer) => void,
    private readonly options: EndpointOptions = {},
  ) {}

  sendRequest<P, R>(type: RequestType<P, R>, params: P, transfer?: Transfer): Promise<R> {
    if (this.disposed) return Promise.reject(endpointError('disposed', `endpoint disposed; cannot send ${type.method}`, type.method));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { method: type.method, resolve: resolve as (v: unknown) => void, reject });
      this.post({ kind: 'request', id, method: type.method, params }, transfer);
    });
  }

  sendNotification<P>(type: NotificationType<P>, params: P, transfer?: Transfer): void {
    if (!this.disposed) this.post({ kind: 'notification', method: type.method, params }, transfer);
  }

  onRequest<P, R>(type: RequestType<P, R>, handler: (params: P) => R | Promise<R>): void {
    this.requestHandlers.set(type.method, handler as (params: unknown) => unknown);
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): void {
    this.notificationHandlers.set(type.method, handler as (params: unknown) => void);
  }

  /** Feed every incoming message here. */
  handle(msg: Wire): void {
    if (this.disposed || !msg || typeof msg !== 'object') return;
    if (msg.kind === 'response') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(fromWireError(msg.error, p.method));
      else p.resolve(msg.result);
    } else if (msg.kind === 'notification') {
      this.notificationHandlers.get(msg.method)?.(msg.params);
    } else if (msg.kind === 'request') {
      const handler = this.requestHandlers.get(msg.method);
      if (!handler) {
        this.post({
          kind: 'response',
          id: msg.id,
          error: { code: 'no-handler', name: 'Error', message: `no handler for ${msg.method}`, user: false },
        });
        return;
      }
      const fail = (err: unknown) =>
        this.post({ kind: 'response', id: msg.id, error: toWireError(this.options.mapError ? this.options.mapError(err) : err) });
      Promise.resolve()
        .then(() => handler(msg.params))
        .then((result) => this.post({ kind: 'response', id: msg.id, result }), fail)
        .catch(fail); // a result the transport cannot carry (DataCloneError) still answers the request
    }
  }

  /** Rejects every pending request: the other side is gone. */
  dispose(reason = 'endpoint disposed'): void {
    this.disposed = true;
    for (const p of this.pending.values()) p.reject(endpointError('disposed', reason, p.method));
    this.pending.clear();
  }
}

/** The Endpoint's own failures (the other side is gone) carry a code like any error from the other side. */
const endpointError = (code: string, message: string, method: string) =>
  fromWireError({ code, name: 'Error', message, user: false }, method);
