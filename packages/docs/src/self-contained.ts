// Redoc's inline bundle still loads a few assets from Redocly's CDN: the "API docs by" logo, and
// icon sets (language icons of code blocks and the like) drawn as CSS url(<base>/<name>.svg).
// This swaps the logos for inline images and the icon bases for an empty data: URL (an icon then
// draws nothing instead of being fetched), and finds any other reference the browser would fetch
// from another host, so the build can refuse the page.

// Stand-ins for Redoc's attribution logos: the text, drawn in place, with nothing to fetch.
const LOGO_FULL = svgDataUri(
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="12"><text x="0" y="10" font-family="sans-serif" font-size="10" font-weight="600" fill="#4a4a4a">Redoc</text></svg>',
);
const LOGO_MINI = svgDataUri(
  '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12"><text x="2" y="10" font-family="sans-serif" font-size="10" font-weight="700" fill="#4a4a4a">R</text></svg>',
);

const CDN_REPLACEMENTS: ReadonlyMap<string, string> = new Map([
  ['https://cdn.redoc.ly/redoc/logo-mini-full.svg', LOGO_FULL],
  ['https://cdn.redoc.ly/redoc/logo-mini.svg', LOGO_MINI],
  ['https://cdn.redocly.com/icons/fa/7.0.0', 'data:image/svg+xml,'],
  ['https://cdn.redocly.com/icons/code/5.24.0', 'data:image/svg+xml,'],
]);

function svgDataUri(svg: string): string {
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** The page with every known CDN asset replaced by its inline stand-in. */
export function inlineCdnAssets(html: string): string {
  let result = html;
  for (const [url, replacement] of CDN_REPLACEMENTS) result = result.split(url).join(replacement);
  return result;
}

// What makes a browser fetch: markup that loads a resource, CSS url()/@import, module imports,
// and the hosts Redoc and web fonts load from (referenced from inside the script bundle).
const FETCHING_REFERENCES: RegExp[] = [
  /<(?:script|img|iframe|source|audio|video|embed|track|input)\b[^>]*?\s(?:src|srcset|poster)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
  /<link\b[^>]*?\shref\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi,
  /url\(\s*["']?((?:https?:)?\/\/[^"')\s]+)/gi,
  /@import\s+["']((?:https?:)?\/\/[^"']+)/gi,
  /\bimport\s*(?:\(\s*|[\w{}\s,*]+\s+from\s+)["'`]((?:https?:)?\/\/[^"'`]+)/gi,
  /((?:https?:)?\/\/(?:cdn\.redoc\.ly|cdn\.redocly\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|unpkg\.com|cdn\.jsdelivr\.net)\b[^"'`\s)]*)/gi,
];

/** Every URL of another host that the page would make the browser fetch, in order of appearance. */
export function externalFetches(html: string): string[] {
  const found = new Set<string>();
  for (const pattern of FETCHING_REFERENCES) {
    for (const match of html.matchAll(pattern)) found.add(match[1]!);
  }
  return [...found];
}
