// Renders the page in this process with Redoc's own library: the server-side render and inline
// bundle that `redocly build-docs --inlineBundle --template` writes, byte for byte (render.test.ts
// holds it to that), without a Node start-up and a 3 MB CLI load per page. A process that renders
// again (pnpm dev, on every save) pays for loading React and Redoc once: about 150 ms a page
// instead of 1.2-1.5 s.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { logoFromSpec, prepareApiDocs, RedoclyApiDocsStandalone, ServerStyleSheet } from 'redoc';

/** What `redocly.yaml`'s `openapi:` section would say to `redocly build-docs`. */
export const REDOC_OPTIONS = {
  // Open the examples a level deeper than the default, so a reader sees a payout's bank accounts.
  jsonSamplesExpandLevel: 3,
  // Redoc offers only the languages listed here (each sample's label picks its entry); ours are the
  // x-codeSamples that code-samples.ts writes, then Redoc's own request payload view.
  codeSamples: { languages: [{ lang: 'curl' }, { lang: 'TypeScript' }, { lang: 'Payload' }] },
};

/** The page's frame: `{{title}}`, `{{{redocHead}}}` (styles) and `{{{redocHTML}}}` (the page) are filled in. */
export const TEMPLATE = fileURLToPath(new URL('../template.hbs', import.meta.url));

// The options the page hydrates with: the spec arrives bundled, and Redoc reports to no one.
const PAGE_OPTIONS = { ...REDOC_OPTIONS, skipBundle: true };

let standaloneBundle: string | undefined;

/** Text safe inside a `<script>`: no `</script>` and no line separators JavaScript would choke on. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\u2028|\u2029/g, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'))
    .replace(/</g, '\\u003c');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (character) => HTML_ESCAPES[character]!);
}

function fill(frame: string, slots: Record<'title' | 'redocHead' | 'redocHTML', string>): string {
  let page = frame;
  for (const [slot, marker, value] of [
    ['title', '{{title}}', escapeHtml(slots.title)],
    ['redocHead', '{{{redocHead}}}', slots.redocHead],
    ['redocHTML', '{{{redocHTML}}}', slots.redocHTML],
  ] as const) {
    if (!page.includes(marker)) throw new Error(`the page template ${TEMPLATE} has no ${marker} for the ${slot}`);
    page = page.replace(marker, () => value);
  }
  return page;
}

/** The whole page for a bundled OpenAPI document: rendered markup and styles, Redoc inlined to hydrate it. */
export async function renderDocsPage(document: Record<string, unknown>): Promise<string> {
  standaloneBundle ??= readFileSync(createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js'), 'utf8');
  const prepared = await prepareApiDocs({ spec: document, options: PAGE_OPTIONS });
  const sheet = new ServerStyleSheet();
  const markup = renderToString(
    sheet.collectStyles(
      createElement(RedoclyApiDocsStandalone, {
        items: prepared.items,
        store: prepared.store,
        basePath: '/',
        options: prepared.options,
        logo: logoFromSpec(prepared.document),
        telemetryConfig: { disabled: true },
        spec: prepared.document,
      }),
    ),
  );
  const info = (document.info ?? {}) as { title?: unknown };
  // The layout of redocly build-docs' own page, whitespace included, so the two stay comparable.
  const redocHTML = `
      <div id="redoc">${markup}</div>
      <script type="module">
      ${standaloneBundle.replace(/<\/(script)/gi, '<\\/$1')}

      const __redoc_definition = ${scriptSafeJson(document)};
      const __redoc_options = ${scriptSafeJson({ ...PAGE_OPTIONS, disableTelemetry: true })};

      hydrate(__redoc_definition, __redoc_options, document.getElementById('redoc'));
      </script>`;
  // Read on every render (a kilobyte), so an edited template shows on the next page, as in `pnpm build`.
  return fill(readFileSync(TEMPLATE, 'utf8'), {
    title: typeof info.title === 'string' && info.title ? info.title : 'ReDoc documentation',
    redocHead: sheet.getStyleTags(),
    redocHTML,
  });
}
