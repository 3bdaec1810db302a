// The docs page's Try-it panel: for the operation on screen, a request prefilled from the spec's
// examples, sent only when the person presses Send, to a server they chose, and its answer checked
// against the operation's documented responses by the same checker the sandbox, the mock and
// `pnpm verify` use (@payouts/model, bundled into the page). Secrets stay in this script's memory
// unless the person ticks "remember on this browser".
import { signCallbackWithWebCrypto } from '@payouts/callbacks';
import { answerBodyOf, type Diagnostic, type MediaType, type Operation, SpecModel } from '@payouts/model';
import { bodyText, type Call, curlCommand, exampleCall, isJson, plainHeaders, requestTarget } from '../code-samples.js';
import {
  ALLOWED_ORIGINS_KEY,
  CONFIG_ELEMENT_ID,
  NO_CONFIG,
  type OfferedServer,
  originOf,
  REMEMBERED_KEY,
  RESUME_KEY,
  SPEC_ELEMENT_ID,
  type TryItConfig,
} from './shared.js';

const OTHER_SERVER = 'other';

interface Remembered {
  token?: string;
  callbackSecret?: string;
}

interface Resume {
  operationId: string;
  server: string;
}

function readJsonElement<T>(id: string, fallback: T): T {
  const text = document.getElementById(id)?.textContent;
  return text ? (JSON.parse(text) as T) : fallback;
}

function readStored<T>(storage: Storage, key: string, fallback: T): T {
  try {
    const text = storage.getItem(key);
    return text === null ? fallback : (JSON.parse(text) as T);
  } catch {
    return fallback;
  }
}

/** Builds an element: `el('p', { className: 'x' }, 'text', child)`. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const { dataset, ...rest } = props;
  const element = Object.assign(document.createElement(tag), rest);
  for (const [key, value] of Object.entries(dataset ?? {})) element.dataset[key] = value;
  element.append(...children);
  return element;
}

let fieldCount = 0;

/** A control with its label (its accessible name) and a note under it. */
function labelled(text: string, control: HTMLElement, note?: string, ...after: HTMLElement[]): HTMLDivElement {
  fieldCount += 1;
  control.id = `payouts-try-it-field-${fieldCount}`;
  return el(
    'div',
    { className: 'payouts-try-it-field' },
    el('label', { htmlFor: control.id }, text),
    control,
    ...after,
    ...(note ? [el('small', {}, note)] : []),
  );
}

/** A diagnostic as a line a person reads: where, then what. */
function describe(diagnostic: Diagnostic): string {
  const part = {
    path: 'path parameter',
    query: 'query parameter',
    header: 'header',
    body: 'body',
    status: 'status',
    'content-type': 'Content-Type',
  }[diagnostic.location];
  const where = diagnostic.field ? `${part === 'body' ? 'body field' : part} ${diagnostic.field}` : `the ${part}`;
  return `${diagnostic.side === 'response' ? 'answer' : 'request'} ${where}: ${diagnostic.message}`;
}

class TryItPanel {
  private readonly model: SpecModel;
  private readonly config: TryItConfig;
  private readonly servers: OfferedServer[];
  private readonly allowed: Set<string>;
  private readonly opener = el('button', { type: 'button', id: 'payouts-try-it-open', hidden: true });
  private readonly drawer = el('aside', { id: 'payouts-try-it', hidden: true, ariaLabel: 'Try it' });
  private operation: Operation | undefined;
  private remembered: Remembered;

  constructor() {
    this.model = new SpecModel(readJsonElement<Record<string, unknown>>(SPEC_ELEMENT_ID, {}));
    this.config = readJsonElement(CONFIG_ELEMENT_ID, NO_CONFIG);
    const specServers = Array.isArray(this.model.document.servers) ? (this.model.document.servers as OfferedServer[]) : [];
    this.servers = [...specServers, ...this.config.servers].filter((server) => originOf(server.url) !== undefined);
    this.allowed = new Set(readStored<string[]>(sessionStorage, ALLOWED_ORIGINS_KEY, []));
    this.remembered = readStored<Remembered>(localStorage, REMEMBERED_KEY, {});
    this.opener.addEventListener('click', () => this.operation && this.open(this.operation));
    document.body.append(this.opener, this.drawer);
  }

  /** Follows Redoc's route (`#/payouts/createpayout`): the opener names the operation on screen. */
  follow(): void {
    const segments = decodeURIComponent(location.hash).toLowerCase().split('/');
    const operation = this.model.operations.find((op) => segments.includes(op.operationId.toLowerCase()));
    if (operation === this.operation) return;
    this.operation = operation;
    this.opener.hidden = operation === undefined;
    if (operation) this.opener.textContent = `Try it: ${this.summaryOf(operation)}`;
  }

  resume(): void {
    const resume = readStored<Resume | undefined>(sessionStorage, RESUME_KEY, undefined);
    sessionStorage.removeItem(RESUME_KEY);
    const operation = resume && this.model.operations.find((op) => op.operationId === resume.operationId);
    if (operation && resume) this.open(operation, resume.server);
  }

  private summaryOf(operation: Operation): string {
    return String(this.model.at(operation.pointer).summary ?? operation.operationId);
  }

  private open(operation: Operation, server?: string): void {
    // A form, so the browser treats the secrets as such; Enter sends nothing, only Send does.
    const form = el('form', { noValidate: true }, ...this.form(operation, server));
    form.addEventListener('submit', (event) => event.preventDefault());
    this.drawer.replaceChildren(form);
    this.drawer.hidden = false;
  }

  private form(operation: Operation, chosenServer?: string): HTMLElement[] {
    const example = exampleCall(operation);
    const close = el('button', { type: 'button', className: 'payouts-try-it-close', textContent: 'Close' });
    close.addEventListener('click', () => {
      this.drawer.hidden = true;
    });
    const heading = el(
      'header',
      {},
      el('h2', {}, `Try it: ${this.summaryOf(operation)}`),
      el('code', {}, `${operation.method.toUpperCase()} ${operation.path}`),
      close,
    );

    // Where to: the spec's servers, those the page was served with, or one typed in.
    const serverSelect = el('select', { name: 'server' });
    for (const server of this.servers) serverSelect.append(el('option', { value: server.url }, `${server.description}: ${server.url}`));
    serverSelect.append(el('option', { value: OTHER_SERVER }, 'Another server…'));
    const otherServer = el('input', { type: 'url', name: 'server-url', placeholder: 'https://payouts.example.com', hidden: true });
    if (chosenServer !== undefined) {
      if (this.servers.some((server) => server.url === chosenServer)) serverSelect.value = chosenServer;
      else {
        serverSelect.value = OTHER_SERVER;
        otherServer.value = chosenServer;
      }
    } else {
      // The last offered server is the nearest one (pnpm dev's sandbox), not production.
      serverSelect.value = this.servers.at(-1)?.url ?? OTHER_SERVER;
    }
    const serverNote = el('div', { className: 'payouts-try-it-note' });
    const baseUrl = () => (serverSelect.value === OTHER_SERVER ? otherServer.value.trim() : serverSelect.value).replace(/\/+$/, '');
    const showServer = () => {
      otherServer.hidden = serverSelect.value !== OTHER_SERVER;
      serverNote.replaceChildren(...this.serverNote(operation, baseUrl()));
    };
    serverSelect.addEventListener('change', showServer);
    otherServer.addEventListener('input', showServer);

    // The credential: a bearer token, or the callback secret the signature is made with.
    const credential = example.credential;
    const secret = el('input', { type: 'password', name: 'secret', autocomplete: 'off' });
    const secretKey: keyof Remembered = credential?.kind === 'signature' ? 'callbackSecret' : 'token';
    secret.value = this.remembered[secretKey] ?? '';
    const remember = el('input', { type: 'checkbox', name: 'remember', checked: this.remembered[secretKey] !== undefined });
    const keepSecret = () => {
      if (remember.checked) this.remembered[secretKey] = secret.value;
      else delete this.remembered[secretKey];
      if (Object.keys(this.remembered).length > 0) localStorage.setItem(REMEMBERED_KEY, JSON.stringify(this.remembered));
      else localStorage.removeItem(REMEMBERED_KEY);
    };
    remember.addEventListener('change', keepSecret);
    secret.addEventListener('input', () => remember.checked && keepSecret());
    const credentialFields = credential
      ? [
          labelled(
            credential.kind === 'bearer' ? 'Bearer token' : 'Callback secret',
            secret,
            credential.kind === 'bearer'
              ? 'Sent as Authorization: Bearer …'
              : `${credential.header} is computed in this page over the exact body sent (HMAC-SHA256).`,
          ),
          el(
            'label',
            { className: 'payouts-try-it-check' },
            remember,
            ' Remember on this browser (else it is kept only while this page is open)',
          ),
        ]
      : [];

    // Every parameter, prefilled as the curl sample is; the Idempotency-Key a new one.
    const parameters = operation.parameters
      .filter((parameter) => parameter.in !== 'cookie')
      .map((parameter) => {
        const shown = [...example.pathParams, ...example.queryParams, ...example.headerParams].find(([name]) => name === parameter.name);
        const input = el('input', { type: 'text', name: `${parameter.in}:${parameter.name}`, autocomplete: 'off' });
        const isKey = parameter.in === 'header' && parameter.name.toLowerCase() === 'idempotency-key';
        input.value = isKey ? crypto.randomUUID() : shown ? String(shown[1]) : '';
        if (parameter.example !== undefined) input.placeholder = String(parameter.example);
        const required = parameter.in === 'path' || parameter.required;
        const renew = el('button', { type: 'button', textContent: 'New key' });
        renew.addEventListener('click', () => {
          input.value = crypto.randomUUID();
          input.dispatchEvent(new Event('input', { bubbles: true }));
        });
        const name = `${parameter.name} (${parameter.in}${required ? ', required' : ''})`;
        const field = isKey
          ? labelled(name, input, 'A new key for each new request: send the same key again to retry it safely.', renew)
          : labelled(name, input);
        return { parameter, input, field };
      });

    // The body, from the example menu, checked against the schema while typing.
    const media = operation.requestBody?.content.find((candidate) => isJson(candidate.type)) ?? operation.requestBody?.content[0];
    const body = el('textarea', { name: 'body', rows: 14, spellcheck: false, ariaLabel: 'Request body' });
    const exampleMenu = this.exampleMenu(media, body);
    if (example.body)
      body.value = typeof example.body.value === 'string' ? example.body.value : JSON.stringify(example.body.value, null, 2);
    const requestFindings = el('ul', { className: 'payouts-try-it-findings', ariaLive: 'polite' });

    const currentCall = (): Call => {
      const valuesIn = (where: string) =>
        parameters
          .filter(({ parameter, input }) => parameter.in === where && input.value !== '')
          .map(({ parameter, input }): [string, unknown] => [parameter.name, input.value]);
      return {
        ...example,
        pathParams: valuesIn('path'),
        queryParams: valuesIn('query'),
        headerParams: valuesIn('header'),
        body: media ? { mediaType: media.type, value: body.value } : undefined,
        credential: secret.value === '' ? undefined : credential,
      };
    };
    const checkRequest = () => {
      const call = currentCall();
      const findings: string[] = [];
      let parsed: unknown;
      if (media && isJson(media.type) && body.value.trim() !== '') {
        try {
          parsed = JSON.parse(body.value);
        } catch (error) {
          findings.push(`The body is not JSON: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const credentialHeaders = operation.credentialHeaders.map((name) => name.toLowerCase());
      const { diagnostics } = this.model.checkRequest(operation, {
        params: Object.fromEntries(call.pathParams),
        query: Object.fromEntries(call.queryParams),
        headers: Object.fromEntries(call.headerParams.map(([name, value]) => [name.toLowerCase(), String(value)])),
        body: parsed,
      });
      for (const diagnostic of diagnostics) {
        const aboutCredential = diagnostic.location === 'header' && credentialHeaders.includes(diagnostic.field.toLowerCase());
        const aboutUnparsedBody = diagnostic.location === 'body' && parsed === undefined && findings.length > 0;
        if (!aboutCredential && !aboutUnparsedBody) findings.push(describe(diagnostic));
      }
      requestFindings.replaceChildren(
        ...(findings.length === 0
          ? [el('li', { className: 'ok' }, 'The request matches the contract.')]
          : findings.map((finding) => el('li', { className: 'bad' }, finding))),
      );
    };
    this.drawer.oninput = checkRequest;

    const send = el('button', { type: 'button', className: 'payouts-try-it-send', textContent: 'Send' });
    const copy = el('button', { type: 'button', textContent: 'Copy as curl' });
    const result = el('section', { className: 'payouts-try-it-result', ariaLive: 'polite' });
    send.addEventListener('click', () => {
      send.disabled = true;
      this.send(operation, baseUrl(), currentCall(), secret.value, result).finally(() => {
        send.disabled = false;
      });
    });
    copy.addEventListener('click', () => {
      const command = curlCommand(baseUrl(), currentCall());
      result.replaceChildren(
        el('h3', {}, 'curl'),
        el('p', {}, 'The same request. The token and the callback secret are read from $CREGO_TOKEN and $PAYOUTS_CALLBACK_SECRET.'),
        el('pre', { className: 'payouts-try-it-curl' }, command),
      );
      navigator.clipboard?.writeText(command).catch(() => undefined); // the text is on screen either way
    });

    queueMicrotask(() => {
      showServer();
      checkRequest();
    });
    return [
      heading,
      labelled('Server', serverSelect),
      otherServer,
      serverNote,
      ...credentialFields,
      ...(parameters.length ? [el('h3', {}, 'Parameters'), ...parameters.map(({ field }) => field)] : []),
      ...(media ? [el('h3', {}, `Body (${media.type})`), ...exampleMenu, body] : []),
      requestFindings,
      el('div', { className: 'payouts-try-it-actions' }, send, copy),
      result,
    ];
  }

  /** The body's named examples, as the page lists them; choosing one puts it in the body. */
  private exampleMenu(media: MediaType | undefined, body: HTMLTextAreaElement): HTMLElement[] {
    if (!media || media.examples.length < 2) return [];
    const menu = el('select', { name: 'example' });
    for (const [index, example] of media.examples.entries()) {
      menu.append(el('option', { value: String(index) }, example.summary ? `${example.name}: ${example.summary}` : example.name));
    }
    menu.addEventListener('change', () => {
      const value = media.examples[Number(menu.value)]?.value;
      body.value = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
      body.dispatchEvent(new Event('input', { bubbles: true }));
    });
    return [labelled('Example', menu)];
  }

  /** Whether the page may send to the server, and if not, the one click that allows it. */
  private serverNote(operation: Operation, baseUrl: string): (Node | string)[] {
    const origin = originOf(baseUrl);
    if (origin === undefined) return [baseUrl === '' ? 'Type the server’s URL.' : `${baseUrl} is not an http(s) URL.`];
    if (this.allowed.has(origin)) return [`This page may send to ${origin}; nothing is sent until you press Send.`];
    const allow = el('button', { type: 'button', textContent: `Allow requests to ${origin}` });
    allow.addEventListener('click', () => {
      sessionStorage.setItem(ALLOWED_ORIGINS_KEY, JSON.stringify([...this.allowed, origin]));
      sessionStorage.setItem(RESUME_KEY, JSON.stringify({ operationId: operation.operationId, server: baseUrl } satisfies Resume));
      location.reload();
    });
    return [
      `This page may connect only to the servers you allow (its Content-Security-Policy), and ${origin} is not one yet. `,
      'Allowing it reloads the page; a secret you typed is kept only if you ticked “remember”. ',
      allow,
    ];
  }

  private async send(operation: Operation, baseUrl: string, call: Call, secret: string, result: HTMLElement): Promise<void> {
    const origin = originOf(baseUrl);
    if (origin === undefined || !this.allowed.has(origin)) {
      result.replaceChildren(el('p', { className: 'bad' }, 'Choose a server this page may send to first (above).'));
      return;
    }
    const text = bodyText(call); // the bytes curl sends, and those the signature covers
    const headers = new Headers(plainHeaders(call));
    if (call.credential?.kind === 'bearer') headers.set('Authorization', `Bearer ${secret}`);
    if (call.credential?.kind === 'signature') headers.set(call.credential.header, await signCallbackWithWebCrypto(text ?? '', secret));
    result.replaceChildren(el('p', {}, 'Sending…'));
    const started = performance.now();
    let response: Response;
    let answer: string;
    try {
      response = await fetch(`${baseUrl}${requestTarget(call)}`, {
        method: call.method.toUpperCase(),
        headers,
        body: text,
        mode: 'cors',
        credentials: 'omit',
        cache: 'no-store',
      });
      answer = await response.text();
    } catch (error) {
      result.replaceChildren(
        el('p', { className: 'bad' }, `No answer from ${origin}: ${error instanceof Error ? error.message : String(error)}.`),
        el(
          'p',
          {},
          `Either nothing listens there, or it does not allow this page’s origin (${location.origin}) by CORS: start the sandbox or the mock with --cors-origin ${location.origin} (pnpm dev does).`,
        ),
      );
      return;
    }
    const milliseconds = Math.round(performance.now() - started);
    const contentType = response.headers.get('content-type') ?? '';
    const parsed = answerBodyOf(contentType, answer);
    const check = this.model.checkResponse(operation, { status: response.status, contentType, body: parsed });
    const verdict =
      check.diagnostics.length === 0
        ? [el('p', { className: 'ok payouts-try-it-verdict' }, `✓ The answer matches the contract (documented ${check.statusKey}).`)]
        : [
            el('p', { className: 'bad payouts-try-it-verdict' }, `✗ The answer breaks the contract (${check.diagnostics.length}):`),
            el(
              'ul',
              { className: 'payouts-try-it-findings' },
              ...check.diagnostics.map((d) => el('li', { className: 'bad' }, describe(d))),
            ),
          ];
    const why =
      response.status === 401 && call.credential === undefined && operation.credentialHeaders.length > 0
        ? [el('p', { className: 'bad' }, whyUnauthenticated(operation))]
        : [];
    result.replaceChildren(
      el('h3', {}, 'Answer'),
      el('p', { className: 'payouts-try-it-status' }, `${response.status} ${response.statusText} · ${milliseconds} ms`),
      ...why,
      ...verdict,
      el('h4', {}, 'Headers'),
      el('pre', {}, [...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')),
      el('h4', {}, 'Body'),
      el(
        'pre',
        { className: 'payouts-try-it-body' },
        typeof parsed === 'object' && parsed !== null ? JSON.stringify(parsed, null, 2) : answer,
      ),
    );
  }
}

function whyUnauthenticated(operation: Operation): string {
  const [header] = operation.credentialHeaders;
  return header === 'Authorization'
    ? 'Sent without a bearer token, so the server refused it (401): type the token under “Bearer token”.'
    : `Sent without ${header}, so the server refused it (401): type the callback secret to sign the body.`;
}

const panel = new TryItPanel();
panel.follow();
panel.resume();
// Redoc routes with the History API, which fires no event a page can listen to for pushState.
setInterval(() => panel.follow(), 250);
