// The provider's signature on a Payout Callback (decided here; see the spec's callbackSignature
// scheme): `X-Payout-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
// Signing the timestamp with the body lets a receiver refuse a replayed old callback; several
// `v1=` let a provider sign with the old and the new secret while a secret is rotated.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Payout-Signature';
/** How far a signature's timestamp may be from the receiver's clock, either way. */
export const TOLERANCE_SECONDS = 300;

const FORMAT = 't=<unix seconds>,v1=<hex HMAC-SHA256>';

/** Why a well-formed, fresh signature is refused: made with no secret the receiver checks it against. */
export const SIGNATURE_MISMATCH = `${SIGNATURE_HEADER} does not match the body: no v1 signature was made with the callback secret.`;

const nowInSeconds = () => Math.floor(Date.now() / 1000);

function hmac(secret: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The X-Payout-Signature value for a callback body, as the payout provider sends it. `body` is
 * the exact bytes sent (sign the string you send, not an object re-serialised later); give
 * several secrets to sign with each during a rotation.
 */
export function signCallback(body: string | Uint8Array, secret: string | string[], now: number = nowInSeconds()): string {
  const secrets = [secret].flat();
  if (secrets.length === 0 || secrets.some((s) => s.length === 0)) throw new Error('signCallback needs a non-empty secret');
  if (!Number.isSafeInteger(now) || now < 0) throw new Error(`signCallback: now must be unix seconds, got ${now}`);
  return [`t=${now}`, ...secrets.map((s) => `v1=${hmac(s, now, body)}`)].join(',');
}

/**
 * signCallback with WebCrypto, for a page that signs what it sends (the docs page's Try-it panel):
 * the same header, from the same timestamp, body bytes and secret.
 */
export async function signCallbackWithWebCrypto(body: string, secret: string, now: number = nowInSeconds()): Promise<string> {
  if (secret.length === 0) throw new Error('signCallbackWithWebCrypto needs a non-empty secret');
  if (!Number.isSafeInteger(now) || now < 0) throw new Error(`signCallbackWithWebCrypto: now must be unix seconds, got ${now}`);
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${now}.${body}`)));
  return `t=${now},v1=${Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

export interface SignatureOptions {
  now?: number;
  toleranceSeconds?: number;
}

/** A well-formed, fresh header, not yet checked against any secret. */
export type SignatureHeader = { ok: true; timestamp: number; signatures: string[] } | { ok: false; reason: string };

/**
 * Reads an X-Payout-Signature header without any HMAC: well formed, and its timestamp within
 * TOLERANCE_SECONDS of `now`. What a receiver checks first, so a malformed or stale header costs
 * nothing however many secrets it would be checked against.
 */
export function readSignatureHeader(header: string | string[] | undefined, options: SignatureOptions = {}): SignatureHeader {
  if (header === undefined || header === '')
    return { ok: false, reason: `${SIGNATURE_HEADER} is missing: the provider signs every callback.` };
  if (Array.isArray(header)) return { ok: false, reason: `${SIGNATURE_HEADER} appears more than once; send one, with a v1= per secret.` };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const match = /^\s*([a-z0-9]+)=(\S*)\s*$/.exec(part);
    if (!match) return malformed(header);
    const [, scheme, value] = match as unknown as [string, string, string];
    if (scheme === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return malformed(header);
      timestamp = Number(value);
    } else if (scheme === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return malformed(header);
      signatures.push(value.toLowerCase());
    }
    // Other schemes (a future v2) are ignored, so a provider can add one before receivers know it.
  }
  if (timestamp === undefined || signatures.length === 0) return malformed(header);
  const now = options.now ?? nowInSeconds();
  const tolerance = options.toleranceSeconds ?? TOLERANCE_SECONDS;
  const skew = timestamp - now;
  if (Math.abs(skew) > tolerance) {
    const when = skew < 0 ? `${-skew} s old` : `${skew} s in the future`;
    return { ok: false, reason: `${SIGNATURE_HEADER} timestamp t=${timestamp} is ${when}; at most ${tolerance} s either way is accepted.` };
  }
  return { ok: true, timestamp, signatures };
}

/**
 * Checks an X-Payout-Signature header against the raw body: well formed, its timestamp within
 * TOLERANCE_SECONDS of `now`, and one of its `v1` signatures made with one of `secrets` (one HMAC
 * per secret). The reason names what is wrong without saying what the right signature would be.
 */
export function checkCallbackSignature(
  header: string | string[] | undefined,
  body: string | Uint8Array,
  secrets: string | string[],
  options: SignatureOptions = {},
): SignatureCheck {
  const read = readSignatureHeader(header, options);
  if (!read.ok) return read;
  const { timestamp, signatures } = read;
  const expected = [secrets].flat().map((s) => Buffer.from(hmac(s, timestamp, body), 'hex'));
  const matches = signatures.some((sig) => {
    const given = Buffer.from(sig, 'hex');
    return expected.some((e) => timingSafeEqual(e, given));
  });
  if (!matches) return { ok: false, reason: SIGNATURE_MISMATCH };
  return { ok: true, timestamp };
}

function malformed(header: string): { ok: false; reason: string } {
  const shown = header.length > 80 ? `${header.slice(0, 80)}...` : header;
  return { ok: false, reason: `${SIGNATURE_HEADER} "${shown}" is malformed: expected ${FORMAT}.` };
}
