// Puts the Try-it panel beside what Redoc rendered: the spec it checks against and its config as
// JSON, the policy script first in the head, and the panel's script and style at the end of the
// body. Redoc's own markup is left as `redocly build-docs` writes it. The scripts are bundled at
// compile time (scripts/bundle-try-it.mjs), the checker and its validators with them, so the page
// still loads nothing from anywhere.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_ELEMENT_ID, NO_CONFIG, type OfferedServer, SPEC_ELEMENT_ID, type TryItConfig } from './shared.js';

// Where the compile step writes them, whether this runs from dist-server/ or from src/ (tests).
const BUNDLES = fileURLToPath(new URL('../../dist-server/try-it/', import.meta.url));

function bundle(name: 'boot' | 'panel'): string {
  const file = join(BUNDLES, `${name}.bundle.js`);
  try {
    // A "</script" inside the code would end the element it is inlined in.
    return readFileSync(file, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  } catch {
    throw new Error(`the Try-it panel's ${name} script is not built (${file}): run the docs package's compile`);
  }
}

/** JSON that no text inside can end the script element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function configElement(config: TryItConfig): string {
  return `<script type="application/json" id="${CONFIG_ELEMENT_ID}">${scriptJson(config)}</script>`;
}

const CONFIG_PATTERN = new RegExp(`<script type="application/json" id="${CONFIG_ELEMENT_ID}">[^<]*</script>`);
// The template's own policy, after which the narrowing one must come.
const POLICY_META = /<meta http-equiv="Content-Security-Policy"[^>]*>/;

const STYLE = `<style>
#payouts-try-it-open{position:fixed;top:12px;right:16px;z-index:1000;padding:8px 14px;border:1px solid #0044d4;border-radius:6px;background:#0044d4;color:#fff;font:600 14px/1.2 sans-serif;cursor:pointer}
#payouts-try-it{position:fixed;top:0;right:0;bottom:0;z-index:1001;width:min(640px,100vw);overflow:auto;box-sizing:border-box;padding:16px 20px;background:#fff;border-left:1px solid #ccd;box-shadow:-8px 0 24px rgba(0,0,0,.15);font:14px/1.45 sans-serif;color:#1a1a1a}
#payouts-try-it[hidden],#payouts-try-it-open[hidden]{display:none}
#payouts-try-it header{display:flex;flex-wrap:wrap;align-items:baseline;gap:8px 12px}
#payouts-try-it h2{margin:0;font-size:20px}
#payouts-try-it h3{margin:18px 0 6px;font-size:15px}
#payouts-try-it h4{margin:12px 0 4px;font-size:13px}
#payouts-try-it .payouts-try-it-close{margin-left:auto}
#payouts-try-it .payouts-try-it-field{display:block;margin:8px 0}
#payouts-try-it .payouts-try-it-field>label{display:block;font-weight:600;font-size:13px}
#payouts-try-it .payouts-try-it-field small{display:block;color:#555}
#payouts-try-it input[type=text],#payouts-try-it input[type=url],#payouts-try-it input[type=password],#payouts-try-it select,#payouts-try-it textarea{width:100%;box-sizing:border-box;padding:5px 7px;font:13px monospace;border:1px solid #aab;border-radius:4px}
#payouts-try-it .payouts-try-it-field>button{margin-top:4px}
#payouts-try-it .payouts-try-it-note{margin:6px 0;color:#333}
#payouts-try-it .payouts-try-it-findings{margin:8px 0;padding-left:18px}
#payouts-try-it .ok{color:#17692b}
#payouts-try-it .bad{color:#a3161b}
#payouts-try-it .payouts-try-it-actions{display:flex;gap:8px;margin:12px 0}
#payouts-try-it button{padding:5px 12px;border:1px solid #889;border-radius:4px;background:#f4f5f8;color:#1a1a1a;font:13px sans-serif;cursor:pointer}
#payouts-try-it .payouts-try-it-send{padding:7px 18px;background:#0044d4;border-color:#0044d4;color:#fff;font-weight:600}
#payouts-try-it .payouts-try-it-send:disabled{opacity:.6}
#payouts-try-it pre{max-height:320px;overflow:auto;margin:4px 0;padding:8px;background:#f4f5f8;border-radius:4px;font:12px/1.4 monospace;white-space:pre-wrap;word-break:break-all}
</style>`;

/** The page with the Try-it panel added: `spec` is the bundled spec the panel sends and checks by. */
export function withTryIt(html: string, spec: unknown, config: TryItConfig = NO_CONFIG): string {
  const policy = POLICY_META.exec(html);
  if (!policy) throw new Error('the page has no Content-Security-Policy meta for the Try-it policy to follow');
  const head = `${configElement(config)}<script>${bundle('boot')}</script>`;
  const tail = `<script type="application/json" id="${SPEC_ELEMENT_ID}">${scriptJson(spec)}</script>${STYLE}<script>${bundle('panel')}</script>`;
  const at = policy.index + policy[0].length;
  const withHead = `${html.slice(0, at)}${head}${html.slice(at)}`;
  const end = withHead.lastIndexOf('</body>');
  return `${withHead.slice(0, end)}${tail}${withHead.slice(end)}`;
}

/** The page as a server answers it: offering `servers` too, and connecting to its own origin when `live`. */
export function withServersOffered(html: string, servers: readonly OfferedServer[], live: boolean): string {
  return html.replace(CONFIG_PATTERN, () => configElement({ servers: [...servers], live }));
}
