// Errors as they cross an Endpoint (host ↔ worker, host ↔ webview). postMessage keeps neither an Error's class nor,
// through JSON transports, its stack, so a failed request travels as a WireError value and is rebuilt on the other
// side as a real Error: a RemoteUserError (still a UserError: shown as one line) or an RpcError (a bug: it keeps the
// sender's stack, so the host's log shows where in the worker it was thrown).
import { UserError, type FilePlace } from '../core/errors';

/** A failed request's error on the wire. */
export interface WireError {
  /**
   * Machine-readable kind: a UserError's code ('user', 'file', 'usage', 'ENOENT', …), a bug's own string code when it
   * has one (Node's 'ERR_…'), else 'internal'; the Endpoint's own: 'no-handler', 'disposed'.
   */
  readonly code: string;
  /** The class name on the sending side ('FileError', 'TypeError', …). */
  readonly name: string;
  readonly message: string;
  /** A mistake the user can fix: the receiver shows the message on one line and no stack. */
  readonly user: boolean;
  /** The sender's stack; bugs only (a user error's stack says nothing the message does not). */
  readonly stack?: string;
  /** The file, line and field a FileError names. */
  readonly place?: FilePlace;
}

/** The wire form of anything a request handler threw. */
export function toWireError(e: unknown): WireError {
  if (e instanceof UserError) {
    const place = (e as { place?: FilePlace }).place;
    return { code: e.code, name: e.name, message: e.message, user: true, ...(place ? { place: { ...place } } : {}) };
  }
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const kind = typeof code === 'string' ? code : 'internal';
    return { code: kind, name: e.name, message: e.message, user: false, ...(e.stack ? { stack: e.stack } : {}) };
  }
  return { code: 'internal', name: 'Error', message: String(e), user: false };
}

/** A UserError thrown on the other side of an Endpoint: `instanceof UserError` holds, so it is shown as one line. */
export class RemoteUserError extends UserError {
  override readonly name: string;
  readonly place?: FilePlace;

  constructor(w: WireError) {
    super(w.message, { code: w.code });
    this.name = w.name;
    if (w.place) this.place = w.place;
  }
}

/** A bug on the other side of an Endpoint (or the Endpoint failing): its stack starts with the sender's. */
export class RpcError extends Error {
  override readonly name: string;
  readonly code: string;

  constructor(w: WireError) {
    super(w.message);
    this.name = w.name;
    this.code = w.code;
  }
}

/**
 * Rebuilds the Error a handler threw. The stack is the sender's, then the line that says which request it answered,
 * then where the receiver was waiting: a bug reads top to bottom across the boundary.
 */
export function fromWireError(raw: unknown, method: string): Error {
  const w = readWireError(raw);
  const err = w.user ? new RemoteUserError(w) : new RpcError(w);
  const local = (err.stack ?? '').split('\n').slice(1).join('\n');
  err.stack = `${w.stack ?? `${w.name}: ${w.message}`}\n    --- answered request ${method} ---${local ? `\n${local}` : ''}`;
  return err;
}

/** The other side is another program: anything that is not a well-formed WireError still becomes a readable error. */
function readWireError(raw: unknown): WireError {
  if (typeof raw === 'string') return { code: 'internal', name: 'Error', message: raw, user: false };
  const o = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof WireError, unknown>>;
  const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  const isPlace = o.place && typeof o.place === 'object' && typeof (o.place as FilePlace).file === 'string';
  const place = isPlace ? (o.place as FilePlace) : undefined;
  return {
    code: str(o.code, 'internal'),
    name: str(o.name, 'Error'),
    message: str(o.message, `malformed error: ${JSON.stringify(raw)}`),
    user: o.user === true,
    ...(typeof o.stack === 'string' ? { stack: o.stack } : {}),
    ...(place ? { place } : {}),
  };
}
