// How the Try-it panel is put into the page: beside Redoc's markup (which stays as rendered), its
// policy script before any other script, and nothing from the spec able to break out of the page's
// script elements or widen its policy.
import { describe, expect, it } from 'vitest';
import { withServersOffered, withTryIt } from './page.js';
import { CONFIG_ELEMENT_ID, connectSources, SPEC_ELEMENT_ID } from './shared.js';

const RENDERED = [
  '<!DOCTYPE html><html><head>',
  `<meta http-equiv="Content-Security-Policy"\n    content="default-src 'none'; connect-src * blob: data:" />`,
  '<title>Payouts</title><script>window.redocHead = 1</script></head>',
  '<body><div id="redoc">rendered</div><script>window.redoc = 1</script></body></html>',
].join('');

describe('withTryIt', () => {
  const spec = { openapi: '3.1.0', info: { title: 'ends here? </script><script>alert(1)</script>\u2028' }, paths: {} };
  const page = withTryIt(RENDERED, spec);

  it("adds its parts around Redoc's page and changes none of it", () => {
    const policyEnd = page.indexOf('/>') + 2;
    const head = page.slice(policyEnd, page.indexOf('<title>'));
    const redocEnd = page.indexOf('<script>window.redoc = 1</script>') + '<script>window.redoc = 1</script>'.length;
    const tail = page.slice(redocEnd, page.lastIndexOf('</body>'));
    expect(page.replace(head, '').replace(tail, '')).toBe(RENDERED);
    expect(head).toMatch(
      new RegExp(`^<script type="application/json" id="${CONFIG_ELEMENT_ID}">\\{"servers":\\[\\],"live":false\\}</script><script>`),
    );
    expect(tail).toContain(`<script type="application/json" id="${SPEC_ELEMENT_ID}">`);
  });

  it('puts the policy script right after the template policy, before any other script', () => {
    const policyEnd = page.indexOf('/>') + 2;
    const firstScript = page.indexOf('<script>');
    expect(page.slice(policyEnd, firstScript)).toMatch(/^<script type="application\/json"[^>]*>[^<]*<\/script>$/);
    expect(page.slice(firstScript, page.indexOf('</script>', firstScript))).toContain('Content-Security-Policy');
    expect(firstScript).toBeLessThan(page.indexOf('window.redocHead'));
  });

  it('carries the spec so that no text of it can end the script it sits in', () => {
    expect(page).not.toContain('</script><script>alert(1)');
    const json = page.slice(page.indexOf(`id="${SPEC_ELEMENT_ID}">`) + SPEC_ELEMENT_ID.length + 6).split('</script>')[0]!;
    expect(JSON.parse(json)).toEqual(spec);
  });

  it('refuses a page without the template policy, rather than add a panel free to connect anywhere', () => {
    expect(() => withTryIt('<html><head></head><body></body></html>', spec)).toThrow(/no Content-Security-Policy meta/);
  });
});

describe('withServersOffered', () => {
  it('offers the servers given, and its own origin when live', () => {
    const page = withTryIt(RENDERED, { paths: {} });
    const served = withServersOffered(page, [{ url: 'http://127.0.0.1:4030', description: 'the sandbox (pnpm dev)' }], true);
    expect(served).toContain(
      `<script type="application/json" id="${CONFIG_ELEMENT_ID}">{"servers":[{"url":"http://127.0.0.1:4030","description":"the sandbox (pnpm dev)"}],"live":true}</script>`,
    );
    const withoutConfig = (html: string) =>
      html.replace(new RegExp(`<script type="application/json" id="${CONFIG_ELEMENT_ID}">[^<]*</script>`), '');
    expect(withoutConfig(served)).toBe(withoutConfig(page));
  });
});

describe('connectSources', () => {
  it('lets only origins into the policy: nothing that could add a directive or a path', () => {
    const chosen = [
      'http://127.0.0.1:4030',
      "https://x.example; script-src 'unsafe-inline'",
      'https://a.example/path',
      'javascript:alert(1)',
      "'self'",
    ];
    expect(connectSources({ servers: [], live: false }, chosen)).toBe('blob: data: http://127.0.0.1:4030');
    expect(connectSources({ servers: [], live: true }, [])).toBe("blob: data: 'self'");
  });
});
