// What the page's Try-it scripts and the code that writes them into the page agree on: where the
// page keeps its data, and what the person's choices are stored under.

/** A `<script type="application/json">` with the bundled spec the panel checks against. */
export const SPEC_ELEMENT_ID = 'payouts-try-it-spec';
/** A `<script type="application/json">` with the page's TryItConfig. */
export const CONFIG_ELEMENT_ID = 'payouts-try-it-config';

/** A server the panel offers besides the spec's own. */
export interface OfferedServer {
  url: string;
  description: string;
}

export interface TryItConfig {
  /** Servers to offer besides the spec's `servers` (`pnpm dev` offers its sandbox and mock). */
  servers: OfferedServer[];
  /** The page is served live: it may connect to its own origin for the rebuild events. */
  live: boolean;
}

export const NO_CONFIG: TryItConfig = { servers: [], live: false };

/** sessionStorage: the origins the person allowed this page to send to, for this tab. */
export const ALLOWED_ORIGINS_KEY = 'payouts-try-it-allowed-origins';
/** sessionStorage: the panel to reopen after the reload that allowed a new origin. */
export const RESUME_KEY = 'payouts-try-it-resume';
/** localStorage, only when the person ticks "remember on this browser". */
export const REMEMBERED_KEY = 'payouts-try-it-remembered';

/** The origin of an http(s) URL, or undefined: nothing else may go into the page's policy. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The page's connect-src: its blobs and data (Redoc's search), its own origin when live, and the chosen origins. */
export function connectSources(config: TryItConfig, chosen: readonly string[]): string {
  const origins = chosen.filter((origin) => originOf(origin) === origin);
  return ['blob:', 'data:', ...(config.live ? ["'self'"] : []), ...origins].join(' ');
}
