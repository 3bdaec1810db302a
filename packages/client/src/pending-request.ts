/**
 * What openapi-fetch builds for each attempt in place of a `Request` (its `Request` option): the
 * URL and the fetch options, with a real `Headers` for middleware to edit. A Node `Request` costs
 * an `AbortSignal` and its body stream on construction, and `fetch(request)` then copies it; with
 * this one the client calls `fetch(url, init)`, so the only `Request` built is fetch's own, as in a
 * plain fetch call. Each attempt builds a new one from the call's options, so retries resend the
 * body as it was.
 *
 * It is no `Request`: `body` is what fetch will send (the JSON string for this API's bodies), and
 * there is no `text()`/`json()`/`clone()`. A middleware that needs those can build a real one,
 * `new Request(request.url, request)`, and return it: its `instanceof Request` check accepts both.
 */
export class PendingRequest {
  readonly url: string;
  readonly init: RequestInit & { method: string; headers: Headers };

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    // openapi-fetch hands over a Headers of its own for each request, so it is used, not copied.
    const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.init = { ...init, method: init.method ?? 'GET', headers };
  }

  get method(): string {
    return this.init.method;
  }

  get headers(): Headers {
    return this.init.headers;
  }

  get body(): RequestInit['body'] {
    return this.init.body ?? null;
  }

  get signal(): AbortSignal | null {
    return this.init.signal ?? null;
  }

  // openapi-fetch checks what an onRequest middleware returns with `instanceof` its Request option.
  static [Symbol.hasInstance](value: unknown): value is PendingRequest | Request {
    return (
      (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === PendingRequest.prototype) || value instanceof Request
    );
  }
}
