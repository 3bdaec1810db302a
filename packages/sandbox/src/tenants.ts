// Who is calling: every bearer token belongs to a tenant, and every callback is signed with one
// tenant's secret. Tenants live in the database (a tenant made through one sandbox process is
// known to every process on the database); the sandbox's own tenant ('') is its command line's
// tokens and secrets. The database keeps a hash of each token, never the token.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkCallbackSignature } from '@payouts/callbacks';
import { Problem } from './problem.js';
import type { Database, Tx } from './store/database.js';
import { DEFAULT_TENANT } from './store/payout-store.js';

/** A tenant as a `--tenants` file gives it. */
export interface TenantConfig {
  name: string;
  tokens: string[];
  callback_secret: string;
  /** Demo payouts in every status, into the tenant when it has none. */
  seed_demo?: boolean;
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
    const unknown = Object.keys(tenant).filter((k) => !['name', 'tokens', 'callback_secret', 'seed_demo'].includes(k));
    if (unknown.length > 0)
      throw new Error(`${at} has unknown fields: ${unknown.join(', ')} (known: name, tokens, callback_secret, seed_demo)`);
    const { name, tokens: given, callback_secret: secret, seed_demo: seed } = tenant;
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
    return { name, tokens: given as string[], callback_secret: secret, ...(seed === undefined ? {} : { seed_demo: seed }) };
  });
}

export type CallbackTenant = { ok: true; tenant: string } | { ok: false; reason: string };

export class Tenants {
  private readonly ownTokens: Set<string>;

  constructor(
    private readonly database: Database,
    /** The sandbox's own tenant: its command line's tokens and callback secrets. */
    private readonly own: { tokens: string[]; callbackSecrets: string[] },
    /** Whether tenants other than the sandbox's own can exist (a tenants file or an admin token). */
    private readonly shared: boolean,
  ) {
    this.ownTokens = new Set(own.tokens);
  }

  /** The tenant a bearer token belongs to, if any. */
  async ofToken(token: string): Promise<string | undefined> {
    if (this.ownTokens.has(token)) return DEFAULT_TENANT;
    if (!this.shared) return undefined;
    const hash = tokenHash(token);
    const row = await this.database.read((tx) => tx.get<{ tenant: string }>('SELECT tenant FROM tenant_tokens WHERE token_hash = ?', hash));
    return row?.tenant;
  }

  /**
   * The tenant whose secret signed this callback, checked against the raw bytes before anything
   * reads the body. A reference the tenant does not own is then a 404 of that tenant's.
   */
  async ofCallback(header: string | string[] | undefined, body: Uint8Array): Promise<CallbackTenant> {
    const candidates: { tenant: string; secrets: string[] }[] = [];
    if (this.own.callbackSecrets.length > 0) candidates.push({ tenant: DEFAULT_TENANT, secrets: this.own.callbackSecrets });
    if (this.shared) {
      const rows = await this.database.read((tx) =>
        tx.all<{ name: string; callback_secret: string }>('SELECT name, callback_secret FROM tenants'),
      );
      for (const row of rows) candidates.push({ tenant: row.name, secrets: [row.callback_secret] });
    }
    // Checked against every secret at once first: a missing, malformed or stale header is named as such.
    const any = checkCallbackSignature(
      header,
      body,
      candidates.flatMap((c) => c.secrets),
    );
    if (!any.ok) return any;
    const signer = candidates.find((c) => checkCallbackSignature(header, body, c.secrets).ok)!;
    return { ok: true, tenant: signer.tenant };
  }

  /** Makes a tenant with new credentials; a 409 when the name is taken. */
  create(name: string): Promise<NewTenant> {
    const tenant = { name, token: credential('sbx_tok_'), callback_secret: credential('sbx_cbs_') };
    return this.database.write(async (tx) => {
      if (await tx.get('SELECT name FROM tenants WHERE name = ?', name))
        throw Problem.conflict(`Tenant ${name} exists; drop it first or choose another name.`);
      await insert(tx, { name, tokens: [tenant.token], callback_secret: tenant.callback_secret });
      return tenant;
    });
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
        if (await tx.get('SELECT name FROM tenants WHERE name = ?', tenant.name)) {
          await tx.run('UPDATE tenants SET callback_secret = ? WHERE name = ?', tenant.callback_secret, tenant.name);
        } else {
          await tx.run(
            'INSERT INTO tenants (name, callback_secret, created_at) VALUES (?, ?, ?)',
            tenant.name,
            tenant.callback_secret,
            Date.now() / 1000,
          );
        }
        for (const { token_hash } of await tx.all<{ token_hash: string }>(
          'SELECT token_hash FROM tenant_tokens WHERE tenant = ?',
          tenant.name,
        )) {
          if (!hashes.includes(token_hash)) await tx.run('DELETE FROM tenant_tokens WHERE token_hash = ?', token_hash);
        }
        await addTokens(tx, tenant.name, tenant.tokens);
      }
    });
  }

  /** Drops a tenant and everything it owns; false when there is no such tenant. */
  drop(name: string): Promise<boolean> {
    return this.database.write(async (tx) => {
      if (!(await tx.get('SELECT name FROM tenants WHERE name = ?', name))) return false;
      for (const table of ['export_lines', 'idempotent_answers', 'payouts', 'records', 'tenant_tokens'])
        await tx.run(`DELETE FROM ${table} WHERE tenant = ?`, name);
      await tx.run('DELETE FROM tenants WHERE name = ?', name);
      return true;
    });
  }
}

async function insert(tx: Tx, tenant: TenantConfig): Promise<void> {
  await checkSecret(tx, tenant);
  await tx.run(
    'INSERT INTO tenants (name, callback_secret, created_at) VALUES (?, ?, ?)',
    tenant.name,
    tenant.callback_secret,
    Date.now() / 1000,
  );
  await addTokens(tx, tenant.name, tenant.tokens);
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
async function addTokens(tx: Tx, name: string, tokens: string[]): Promise<void> {
  for (const token of tokens) {
    const owner = await tx.get<{ tenant: string }>('SELECT tenant FROM tenant_tokens WHERE token_hash = ?', tokenHash(token));
    if (owner?.tenant === name) continue;
    if (owner) throw new Error(`tenant "${name}" has a token that tenant "${owner.tenant}" has too: every token belongs to one tenant`);
    await tx.run('INSERT INTO tenant_tokens (token_hash, tenant) VALUES (?, ?)', tokenHash(token), name);
  }
}

/** 32 random bytes, readable in a header and a shell. */
function credential(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}
