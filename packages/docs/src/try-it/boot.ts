// Runs first in the page's head, before any other script: it narrows what the page may connect
// to (connect-src) to the origins the person chose in the Try-it panel during this tab's life,
// and to nothing else. The template's own policy leaves connect-src to this script (a second
// policy can only narrow the first, never widen it, so choosing another origin reloads the page).
// If anything here fails, the page may connect nowhere.
import { ALLOWED_ORIGINS_KEY, CONFIG_ELEMENT_ID, connectSources, NO_CONFIG, type TryItConfig } from './shared.js';

function readChosen(): string[] {
  const stored: unknown = JSON.parse(sessionStorage.getItem(ALLOWED_ORIGINS_KEY) ?? '[]');
  return Array.isArray(stored) ? stored.filter((origin): origin is string => typeof origin === 'string') : [];
}

let policy: string;
try {
  const text = document.getElementById(CONFIG_ELEMENT_ID)?.textContent;
  const config: TryItConfig = text ? JSON.parse(text) : NO_CONFIG;
  policy = `connect-src ${connectSources(config, readChosen())}`;
} catch {
  policy = "connect-src 'none'";
}
const meta = document.createElement('meta');
meta.httpEquiv = 'Content-Security-Policy';
meta.content = policy;
document.head.appendChild(meta);
