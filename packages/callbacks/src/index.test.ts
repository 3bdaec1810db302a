import { describe, expect, it } from 'vitest';
import { checkCallbackSignature, SIGNATURE_HEADER, signCallback, signCallbackWithWebCrypto, TOLERANCE_SECONDS } from './index.js';

const BODY = '{"payout_service_id":"HDFC-NEFT-230827-0042","status":"failed","failed_remark":"Beneficiary account closed"}';
const SECRET = 'whsec-example';
const T = 1_700_000_000;

describe('signCallback', () => {
  it('is HMAC-SHA256 of "<t>.<raw body>" in hex (the value openssl dgst -sha256 -hmac gives)', () => {
    expect(signCallback(BODY, SECRET, T)).toBe(`t=${T},v1=248edeeee3e4f22570452f00fbf484f6d5c48659effc70885af6200c4b8d2b6e`);
  });

  it('signs bytes and the same text alike, and with each secret during a rotation', () => {
    expect(signCallback(new TextEncoder().encode(BODY), SECRET, T)).toBe(signCallback(BODY, SECRET, T));
    const rotated = signCallback(BODY, ['old-secret', SECRET], T);
    expect(rotated.split(',')).toHaveLength(3);
    expect(checkCallbackSignature(rotated, BODY, 'old-secret', { now: T }).ok).toBe(true);
    expect(checkCallbackSignature(rotated, BODY, SECRET, { now: T }).ok).toBe(true);
  });

  it('refuses an empty secret and a time that is not unix seconds', () => {
    expect(() => signCallback(BODY, '', T)).toThrow(/non-empty secret/);
    expect(() => signCallback(BODY, SECRET, Date.now() + 0.5)).toThrow(/unix seconds/);
  });
});

describe('signCallbackWithWebCrypto', () => {
  it('gives the header signCallback gives, for any text (a page signs with it)', async () => {
    expect(await signCallbackWithWebCrypto(BODY, SECRET, T)).toBe(signCallback(BODY, SECRET, T));
    const unicode = '{"remark":"Konto gesperrt \u2013 \u20b9 zur\u00fcck"}';
    expect(await signCallbackWithWebCrypto(unicode, 'sécret', T)).toBe(signCallback(unicode, 'sécret', T));
    expect(checkCallbackSignature(await signCallbackWithWebCrypto(BODY, SECRET), BODY, SECRET).ok).toBe(true);
  });

  it('refuses an empty secret and a time that is not unix seconds', async () => {
    await expect(signCallbackWithWebCrypto(BODY, '', T)).rejects.toThrow(/non-empty secret/);
    await expect(signCallbackWithWebCrypto(BODY, SECRET, 1.5)).rejects.toThrow(/unix seconds/);
  });
});

describe('checkCallbackSignature', () => {
  const signed = signCallback(BODY, SECRET, T);
  const check = (header: string | string[] | undefined, body = BODY, now = T) => checkCallbackSignature(header, body, SECRET, { now });

  it('accepts the signature of the exact body within the tolerance, either way', () => {
    expect(check(signed)).toEqual({ ok: true, timestamp: T });
    expect(check(signed, BODY, T + TOLERANCE_SECONDS).ok).toBe(true);
    expect(check(signed, BODY, T - TOLERANCE_SECONDS).ok).toBe(true);
    expect(check(signed.replace(/v1=(\w+)/, (_, hex: string) => `v1=${hex.toUpperCase()}`)).ok).toBe(true);
  });

  it('ignores schemes it does not know, so a provider can add one', () => {
    expect(check(`${signed},v2=whatever`).ok).toBe(true);
  });

  it.each([
    ['missing', undefined, /is missing/],
    ['empty', '', /is missing/],
    ['sent twice', [signed, signed], /more than once/],
    ['without t', signed.replace(/^t=\d+,/, ''), /malformed: expected t=<unix seconds>,v1=<hex HMAC-SHA256>/],
    ['without v1', `t=${T}`, /malformed/],
    ['with a short v1', `t=${T},v1=abc`, /malformed/],
    ['with t in milliseconds', signed.replace(`t=${T}`, `t=${T}000`), /malformed/],
    ['with two t', `t=${T},${signed}`, /malformed/],
    ['as a bearer token', 'Bearer sandbox-dev-token', /malformed/],
  ])('refuses a header %s, naming the problem', (_, header, reason) => {
    const result = check(header as string | undefined);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('refuses a stale or future timestamp, saying by how much', () => {
    expect(check(signed, BODY, T + TOLERANCE_SECONDS + 1)).toEqual({
      ok: false,
      reason: `${SIGNATURE_HEADER} timestamp t=${T} is 301 s old; at most 300 s either way is accepted.`,
    });
    expect(check(signed, BODY, T - 3600)).toMatchObject({ ok: false, reason: expect.stringMatching(/3600 s in the future/) });
  });

  it('refuses another body, another secret, and a timestamp changed after signing', () => {
    const wrong = /does not match the body: no v1 signature was made with the callback secret/;
    expect(check(signed, BODY.replace('failed_remark', 'failed_remark ')).ok).toBe(false);
    expect(checkCallbackSignature(signed, BODY, 'another-secret', { now: T })).toMatchObject({ reason: expect.stringMatching(wrong) });
    expect(check(signed.replace(`t=${T}`, `t=${T + 1}`), BODY, T)).toMatchObject({ reason: expect.stringMatching(wrong) });
  });
});
