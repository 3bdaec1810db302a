-- tenants: every payout, export line, record and Idempotency-Key belongs to one
-- Never edit a migration that has shipped: add the next version instead.
CREATE TABLE tenants (
  name TEXT PRIMARY KEY,
  callback_secret TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL
);
CREATE TABLE tenant_tokens (
  token_hash TEXT PRIMARY KEY, -- sha256 of the bearer token: the database never holds a usable token
  tenant TEXT NOT NULL REFERENCES tenants (name) ON DELETE CASCADE
);
-- '' is the sandbox's own tenant: the tokens and callback secrets given on its command line.
ALTER TABLE payouts ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE export_lines ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
CREATE INDEX payouts_tenant_created ON payouts (tenant, created_at, seq);
CREATE TABLE idempotent_answers_by_tenant (
  tenant TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at REAL NOT NULL,
  PRIMARY KEY (tenant, key)
);
INSERT INTO idempotent_answers_by_tenant
  SELECT '', key, request_hash, status, content_type, headers, body, created_at FROM idempotent_answers;
DROP TABLE idempotent_answers;
ALTER TABLE idempotent_answers_by_tenant RENAME TO idempotent_answers;
CREATE INDEX idempotent_answers_created ON idempotent_answers (created_at);
