// One HTTP exchange with the provider, kept whole so a check can show it as a curl line.
import { signCallback } from '@payouts/callbacks';
import type { Json, Operation } from '@payouts/model';

/** What verify proves itself with: a caller's bearer token, and the provider's callback secret when it was given. */
export interface Credentials {
  token: string;
  callbackSecret?: string;
}

/** The header an operation's signature goes in (Payout Callback's X-Payout-Signature), if it is signed. */
export const signatureHeaderOf = (op: Pick<Operation, 'credentialHeaders'>): string | undefined =>
  op.credentialHeaders.find((header) => header !== 'Authorization');

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** JSON body, already serialised. */
  body?: string;
}

export interface Exchange {
  request: SentRequest;
  status: number;
  contentType: string;
  /** Parsed JSON when the answer says JSON and parses, else the raw text. */
  body: unknown;
  text: string;
  ms: number;
}

const TIMEOUT_MS = 15_000;

export async function send(request: SentRequest): Promise<Exchange> {
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method.toUpperCase(),
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`${request.method.toUpperCase()} ${request.url} failed: ${why}`);
  }
  const text = await response.text();
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let body: unknown = text;
  if (contentType.includes('json') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text; // a JSON content type with a body that is not JSON: the checks report it
    }
  }
  return { request, status: response.status, contentType, body, text, ms: performance.now() - started };
}

/**
 * The request as a curl line a person can paste. The real token is shown as $TOKEN so the line
 * can be shared; a deliberately wrong token is shown as sent.
 */
export function curlLine(request: SentRequest, token?: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = ['curl', '-i', '-X', request.method.toUpperCase(), quote(request.url)];
  for (const [name, value] of Object.entries(request.headers)) {
    const shown = token && value === `Bearer ${token}` ? 'Bearer $TOKEN' : value;
    parts.push('-H', shown.includes('$TOKEN') ? `"${name}: ${shown}"` : quote(`${name}: ${shown}`));
  }
  if (request.body !== undefined) parts.push('--data', quote(request.body));
  return parts.join(' ');
}

/** An http(s) URL given on the command line, without its trailing slash; `option` names it in errors. */
export function httpUrl(raw: string, option: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${option} "${raw}" is not a URL (example: http://127.0.0.1:4020)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${option} "${raw}" is not a URL: it must start with http:// or https://`);
  return url.toString().replace(/\/+$/, '');
}

/**
 * A request to one operation: path parameters filled in, the query, a JSON body (or its raw text),
 * and the operation's credential: the bearer token, or a signature of the body as sent when the
 * operation is signed and the callback secret is known.
 */
export function buildRequest(
  baseUrl: string,
  credentials: Credentials,
  op: Operation,
  pathParams: Record<string, string>,
  query: Record<string, string>,
  body?: Json,
  rawBody?: string,
): SentRequest {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathParams[name] ?? ''));
  const search = new URLSearchParams(query).toString();
  const headers: Record<string, string> = {};
  const text = rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (op.credentialHeaders.includes('Authorization')) headers.authorization = `Bearer ${credentials.token}`;
  const signatureHeader = signatureHeaderOf(op);
  if (signatureHeader && credentials.callbackSecret)
    headers[signatureHeader.toLowerCase()] = signCallback(text ?? '', credentials.callbackSecret);
  if (text !== undefined) headers['content-type'] = 'application/json';
  return { method: op.method, url: `${baseUrl}${path}${search ? `?${search}` : ''}`, headers, body: text };
}
