// Who is calling: every bearer token belongs to a tenant, and every callback is signed with one
// tenant's secret. Tenants live in the database (a tenant made through one sandbox process is
// known to every process on the database); the sandbox's own tenant ('') is its command line's
// tokens and secrets. The database keeps a hash of each token, never the token.
//
// A tenant is known to the rows it owns by an id that is never reused, not by its name: a tenant
// dropped and made again under the same name starts empty, whatever was in flight for the old one.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkCallbackSignature, readSignatureHeader, SIGNATURE_MISMATCH } from '@payouts/callbacks';
import { type BankKind, bankSettingProblem } from './bank.js';
import { Refusal } from './refusal.js';
import type { Database, Tx } from './store/database.js';
import { DEFAULT_TENANT } from './store/payout-store.js';

/** A tenant as a `--tenants` file gives it. */
export interface TenantConfig {
  name: string;
  tokens: string[];
  callback_secret: string;
  /** Demo payouts in every status, into the tenant when it has none. */
  seed_demo?: boolean;
  /** The tenant's own bank (bank.ts); the sandbox's (--bank) when absent. */
  bank?: BankKind;
  /** Seconds the tenant's simulated bank waits before it settles; the sandbox's (--bank-delay) when absent. */
  bank_delay?: number;
}

/** A tenant's bank setting as stored: each undefined falls back to the sandbox's own. */
export interface TenantBank {
  bank?: BankKind;
  bank_delay?: number;
}

/** A tenant as Create Tenant answers it: the only time its token is shown. */
export interface NewTenant {
  name: string;
  token: string;
  callback_secret: string;
}

/** The admin API's TenantName (admin/openapi.yaml). */
const TENANT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Reads and checks a `--tenants` file; an error names the file, the tenant and what is wrong. */
export function readTenantsFile(file: string): TenantConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the tenants file ${file}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`the tenants file ${file} is not JSON: ${(error as Error).message}`);
  }
  const list = (document as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(list)) throw new Error(`the tenants file ${file} must be {"tenants": [{"name", "tokens", "callback_secret"}, ...]}`);
  const names = new Set<string>();
  const tokens = new Map<string, string>();
  const secrets = new Map<string, string>();
  return list.map((entry: unknown, index) => {
    const at = `the tenants file ${file}, tenant ${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${at} is not an object`);
    const tenant = entry as Record<string, unknown>;
    for (const field of ['name', 'tokens', 'callback_secret']) {
      if (tenant[field] === undefined) throw new Error(`${at} has no "${field}"`);
    }
    const known = ['name', 'tokens', 'callback_secret', 'seed_demo', 'bank', 'bank_delay'];
    const unknown = Object.keys(tenant).filter((k) => !known.includes(k));
    if (unknown.length > 0) throw new Error(`${at} has unknown fields: ${unknown.join(', ')} (known: ${known.join(', ')})`);
    const { name, tokens: given, callback_secret: secret, seed_demo: seed, bank, bank_delay: delay } = tenant;
    if (typeof name !== 'string' || !TENANT_NAME.test(name))
      throw new Error(`${at}: "name" must be 1-63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit`);
    const where = `the tenants file ${file}, tenant "${name}"`;
    if (names.has(name)) throw new Error(`${where} appears twice`);
    names.add(name);
    if (!Array.isArray(given) || given.length === 0 || given.some((t) => typeof t !== 'string' || !/^\S+$/.test(t)))
      throw new Error(`${where}: "tokens" must be a non-empty list of tokens (one word each)`);
    for (const token of given as string[]) {
      const owner = tokens.get(token);
      if (owner !== undefined) throw new Error(`${where} has a token that tenant "${owner}" has too: every token belongs to one tenant`);
      tokens.set(token, name);
    }
    if (typeof secret !== 'string' || secret === '') throw new Error(`${where}: "callback_secret" must be a non-empty string`);
    const sharing = secrets.get(secret);
    if (sharing !== undefined) throw new Error(`${where} has the callback secret of tenant "${sharing}": each tenant needs its own`);
    secrets.set(secret, name);
    if (seed !== undefined && typeof seed !== 'boolean') throw new Error(`${where}: "seed_demo" must be true or false`);
    const bankProblem = bankSettingProblem(bank, delay);
    if (bankProblem) throw new Error(`${where}: ${bankProblem}`);
    return {
      name,
      tokens: given as string[],
      callback_secret: secret,
      ...(seed === undefined ? {} : { seed_demo: seed }),
      ...(bank === undefined ? {} : { bank: bank as BankKind }),
      ...(delay === undefined ? {} : { bank_delay: delay as number }),
    };
  });
}

export type CallbackTenant = { ok: true; tenant: string } | { ok: false; reason: string };

/** What the database announces when a tenant is dropped or loses tokens (the tenant's id the detail). */
const TENANTS_TOPIC = 'tenants';
/** Tokens whose tenant is kept at once (each a hash and an id). */
const KEPT_TOKENS = 10_000;

export class Tenants {
  private readonly ownTokens: Set<string>;
  /**
   * Token hashes and their tenants' ids, kept only while the database tells this process of every
   * tenant any process drops or takes tokens from (PostgreSQL); elsewhere every lookup reads.
   */
  private readonly kept = new Map<string, string>();
  private hearsEveryChange: () => boolean = () => false;
  /** Moves on with every change heard, so a lookup that raced a change is not kept. */
  private changesHeard = 0;

  constructor(
    private readonly database: Database,
    /** The sandbox's own tenant: its command line's tokens and callback secrets. */
    private readonly own: { tokens: string[]; callbackSecrets: string[] },
    /** Whether tenants other than the sandbox's own can exist (a tenants file or an admin token). */
    private readonly shared: boolean,
  ) {
    this.ownTokens = new Set(own.tokens);
  }

  /** Starts hearing of the tenants other processes on the database drop, where the database can tell. */
  async hearChanges(): Promise<void> {
    if (!this.shared || !this.database.changes) return;
    this.hearsEveryChange = await this.database.changes.hear(TENANTS_TOPIC, (tenant) => this.forget(tenant));
  }

  /** Forgets the tokens of a tenant (of every tenant when undefined: changes were missed). */
  private forget(tenant: string | undefined): void {
    this.changesHeard += 1;
    if (tenant === undefined) this.kept.clear();
    else for (const [hash, owner] of this.kept) if (owner === tenant) this.kept.delete(hash);
  }

  /** The id of the tenant a bearer token belongs to, if any. */
  async ofToken(token: string): Promise<string | undefined> {
    if (this.ownTokens.has(token)) return DEFAULT_TENANT;
    if (!this.shared) return undefined;
    const hash = tokenHash(token);
    const known = this.kept.get(hash);
    if (known !== undefined) return known;
    const heardBefore = this.changesHeard;
    const row = await this.database.read((tx) => tx.get<{ tenant: string }>('SELECT tenant FROM tenant_tokens WHERE token_hash = ?', hash));
    if (row && this.hearsEveryChange() && this.changesHeard === heardBefore) {
      if (this.kept.size >= KEPT_TOKENS) this.kept.clear();
      this.kept.set(hash, row.tenant);
    }
    return row?.tenant;
  }

  /** The id of the tenant with this name (for seeding a tenant of the tenants file). */
  async idOf(name: string): Promise<string | undefined> {
    return (await this.database.read((tx) => tx.get<{ id: string }>('SELECT id FROM tenants WHERE name = ?', name)))?.id;
  }

  /**
   * The id of the tenant whose secret signed this callback, checked against the raw bytes before
   * anything else reads the body. The cost of a forged signature is bounded: the header's form and
   * age are checked first (no HMAC), then only the secrets of the tenants that exported a payout
   * under the body's reference (and the sandbox's own); only a reference no tenant has is checked
   * against the other tenants' secrets, one HMAC each, to tell its signer a 404 from a stranger a 401.
   * `devSecretAllowed` is false when the request did not come to a loopback Host: the
   * development secret settles nothing then.
   */
  async ofCallback(header: string | string[] | undefined, body: Uint8Array, devSecretAllowed = true): Promise<CallbackTenant> {
    const own = this.own.callbackSecrets.filter((secret) => devSecretAllowed || secret !== DEFAULT_CALLBACK_SECRET);
    const form = readSignatureHeader(header);
    if (!form.ok) return form;
    const signedBy = (candidates: { tenant: string; secrets: string[] }[]) =>
      candidates.find((c) => c.secrets.length > 0 && checkCallbackSignature(header, body, c.secrets).ok)?.tenant;
    const candidates = [{ tenant: DEFAULT_TENANT, secrets: own }];
    if (this.shared) {
      const reference = referenceIn(body);
      const owners =
        reference === undefined
          ? []
          : await this.database.read((tx) =>
              tx.all<{ id: string; callback_secret: string }>(
                'SELECT DISTINCT t.id, t.callback_secret FROM export_lines e JOIN tenants t ON t.id = e.tenant WHERE e.reference = ?',
                reference,
              ),
            );
      candidates.push(...owners.map((row) => ({ tenant: row.id, secrets: [row.callback_secret] })));
      const signer = signedBy(candidates);
      if (signer !== undefined) return { ok: true, tenant: signer };
      if (owners.length > 0) return NO_MATCH;
      const others = await this.database.read((tx) =>
        tx.all<{ id: string; callback_secret: string }>('SELECT id, callback_secret FROM tenants'),
      );
      const other = signedBy(others.map((row) => ({ tenant: row.id, secrets: [row.callback_secret] })));
      return other === undefined ? NO_MATCH : { ok: true, tenant: other };
    }
    const signer = signedBy(candidates);
    return signer === undefined ? NO_MATCH : { ok: true, tenant: signer };
  }

  /** Makes a tenant with new credentials and a new id; a 409 when the name is taken. */
  create(name: string, bank: TenantBank = {}): Promise<NewTenant> {
    const tenant = { name, token: credential('sbx_tok_'), callback_secret: credential('sbx_cbs_') };
    return this.database.write(async (tx) => {
      if (await tx.get('SELECT name FROM tenants WHERE name = ?', name))
        throw Refusal.conflict(`Tenant ${name} exists; drop it first or choose another name.`);
      await insert(tx, { name, tokens: [tenant.token], callback_secret: tenant.callback_secret, ...bank });
      return tenant;
    });
  }

  /** What a tenant's simulated bank signs its callbacks with: the secret a real provider of the tenant's would use. */
  async callbackSecretOf(tenant: string): Promise<string | undefined> {
    if (tenant === DEFAULT_TENANT) return this.own.callbackSecrets[0];
    const row = await this.database.read((tx) =>
      tx.get<{ callback_secret: string }>('SELECT callback_secret FROM tenants WHERE id = ?', tenant),
    );
    return row?.callback_secret;
  }

  /** A tenant's own bank setting (the sandbox's own tenant has none: the command line is its setting). */
  async bankOf(tenant: string): Promise<TenantBank> {
    if (tenant === DEFAULT_TENANT) return {};
    const row = await this.database.read((tx) =>
      tx.get<{ bank: BankKind | null; bank_delay: number | null }>('SELECT bank, bank_delay FROM tenants WHERE id = ?', tenant),
    );
    return { ...(row?.bank ? { bank: row.bank } : {}), ...(row?.bank_delay == null ? {} : { bank_delay: row.bank_delay }) };
  }

  /**
   * Makes or updates the tenants of a tenants file: the file's secret and tokens replace the stored
   * ones. Sandboxes started together on one database with one file may run this at once: each
   * step leaves what the other would, and a tenant both insert is run again as an update.
   */
  configure(tenants: TenantConfig[]): Promise<void> {
    return this.database.write(async (tx) => {
      for (const tenant of tenants) {
        const hashes = tenant.tokens.map(tokenHash);
        await checkSecret(tx, tenant);
        let id = (await tx.get<{ id: string }>('SELECT id FROM tenants WHERE name = ?', tenant.name))?.id;
        if (id !== undefined) {
          await tx.run(
            'UPDATE tenants SET callback_secret = ?, bank = ?, bank_delay = ? WHERE id = ?',
            tenant.callback_secret,
            tenant.bank ?? null,
            tenant.bank_delay ?? null,
            id,
          );
        } else {
          id = await insertRow(tx, tenant);
        }
        for (const { token_hash } of await tx.all<{ token_hash: string }>('SELECT token_hash FROM tenant_tokens WHERE tenant = ?', id)) {
          if (hashes.includes(token_hash)) continue;
          await tx.run('DELETE FROM tenant_tokens WHERE token_hash = ?', token_hash);
          await this.announce(tx, id);
        }
        await addTokens(tx, { id, name: tenant.name }, tenant.tokens);
      }
    });
  }

  /**
   * Drops a tenant and everything it owns; false when there is no such tenant. The tenant's row is
   * locked first: a change of the tenant's already running finishes before, and goes with it; one
   * that starts after finds no tenant (PayoutStore.write).
   */
  async drop(name: string): Promise<boolean> {
    const dropped = await this.database.write(async (tx) => {
      const row = await tx.get<{ id: string }>(`SELECT id FROM tenants WHERE name = ?${this.database.dialect.forUpdate}`, name);
      if (!row) return undefined;
      for (const table of ['export_lines', 'idempotent_answers', 'payouts', 'records', 'tenant_tokens', 'tenant_sequences'])
        await tx.run(`DELETE FROM ${table} WHERE tenant = ?`, row.id);
      await tx.run('DELETE FROM tenants WHERE id = ?', row.id);
      await this.announce(tx, row.id);
      return row.id;
    });
    // This process forgets at once; the others when they hear the announcement.
    if (dropped !== undefined) this.forget(dropped);
    return dropped !== undefined;
  }

  /** Tells every process on the database, once `tx` commits, that this tenant's tokens are not what they kept. */
  private async announce(tx: Tx, tenant: string): Promise<void> {
    await this.database.changes?.announce(tx, TENANTS_TOPIC, tenant);
  }
}

/** The well-known token of a development sandbox, refused off loopback. */
export const DEFAULT_TOKEN = 'sandbox-dev-token';
/** The well-known callback secret of a development sandbox, refused off loopback. */
export const DEFAULT_CALLBACK_SECRET = 'sandbox-dev-callback-secret';

const NO_MATCH: CallbackTenant = { ok: false, reason: SIGNATURE_MISMATCH };

/** The reference a callback body quotes, read only to choose the secrets to check; undefined when there is none to read. */
function referenceIn(body: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as { payout_service_id?: unknown } | null;
    return typeof parsed?.payout_service_id === 'string' ? parsed.payout_service_id : undefined;
  } catch {
    return undefined;
  }
}

/** Random, so a tenant made again under a dropped name is another tenant to every row. */
function newTenantId(): string {
  return `tn_${randomBytes(12).toString('base64url')}`;
}

/** The tenant's row, under a new id; answers the id. */
async function insertRow(tx: Tx, tenant: TenantConfig): Promise<string> {
  const id = newTenantId();
  await tx.run(
    'INSERT INTO tenants (id, name, callback_secret, created_at, bank, bank_delay) VALUES (?, ?, ?, ?, ?, ?)',
    id,
    tenant.name,
    tenant.callback_secret,
    Date.now() / 1000,
    tenant.bank ?? null,
    tenant.bank_delay ?? null,
  );
  return id;
}

async function insert(tx: Tx, tenant: TenantConfig): Promise<void> {
  await checkSecret(tx, tenant);
  const id = await insertRow(tx, tenant);
  await addTokens(tx, { id, name: tenant.name }, tenant.tokens);
}

/** A callback secret says which tenant a callback is for: no two tenants may share one. */
async function checkSecret(tx: Tx, tenant: TenantConfig): Promise<void> {
  const taken = await tx.get<{ name: string }>(
    'SELECT name FROM tenants WHERE callback_secret = ? AND name <> ?',
    tenant.callback_secret,
    tenant.name,
  );
  if (taken) throw new Error(`tenant "${tenant.name}" has the callback secret of tenant "${taken.name}": each tenant needs its own`);
}

/** Gives a tenant these tokens; one another tenant holds is refused, one it holds already is kept. */
async function addTokens(tx: Tx, tenant: { id: string; name: string }, tokens: string[]): Promise<void> {
  for (const token of tokens) {
    const owner = await tx.get<{ tenant: string; name: string }>(
      'SELECT k.tenant, t.name FROM tenant_tokens k JOIN tenants t ON t.id = k.tenant WHERE k.token_hash = ?',
      tokenHash(token),
    );
    if (owner?.tenant === tenant.id) continue;
    if (owner)
      throw new Error(`tenant "${tenant.name}" has a token that tenant "${owner.name}" has too: every token belongs to one tenant`);
    await tx.run('INSERT INTO tenant_tokens (token_hash, tenant) VALUES (?, ?)', tokenHash(token), tenant.id);
  }
}

/** 32 random bytes, readable in a header and a shell. */
function credential(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}
