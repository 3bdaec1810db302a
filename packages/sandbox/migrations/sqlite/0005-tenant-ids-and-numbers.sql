-- tenants: an id never reused; numbers counted per tenant; references unique per tenant
-- Tables are rebuilt where SQLite cannot alter a constraint. Rows keep their tenant column: for
-- tenants made before this version, the id is the name.
-- Never edit a migration that has shipped: add the next version instead.
ALTER TABLE tenants RENAME TO tenants_v4;
CREATE TABLE tenants (
  name TEXT NOT NULL UNIQUE,
  callback_secret TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL,
  id TEXT PRIMARY KEY -- what every row's tenant column holds; a tenant made again under a dropped name gets a new one
);
INSERT INTO tenants (name, callback_secret, created_at, id) SELECT name, callback_secret, created_at, name FROM tenants_v4;
ALTER TABLE tenant_tokens RENAME TO tenant_tokens_v4;
CREATE TABLE tenant_tokens (
  token_hash TEXT PRIMARY KEY,
  tenant TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE
);
INSERT INTO tenant_tokens (token_hash, tenant) SELECT token_hash, tenant FROM tenant_tokens_v4;
DROP TABLE tenant_tokens_v4;
DROP TABLE tenants_v4;

ALTER TABLE payouts RENAME TO payouts_v4;
CREATE TABLE payouts (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  type TEXT NOT NULL,
  ref_id TEXT NOT NULL,
  numeric_ref_id TEXT NOT NULL,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  amount INTEGER NOT NULL CHECK (amount >= 1),
  method TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'initiated', 'processed', 'failed')),
  payout_service_id TEXT,
  processed_at INTEGER,
  bank_date REAL,
  date REAL,
  failed_remark TEXT,
  utr TEXT,
  debit_bank_id TEXT REFERENCES debit_banks (id),
  export_debit_bank_id TEXT REFERENCES debit_banks (id),
  credit_bank_id TEXT NOT NULL REFERENCES credit_banks (id),
  payout_to TEXT NOT NULL,
  is_downloaded INTEGER NOT NULL CHECK (is_downloaded IN (0, 1)),
  is_imported INTEGER NOT NULL CHECK (is_imported IN (0, 1)),
  sent_to_gl INTEGER NOT NULL CHECK (sent_to_gl IN (0, 1)),
  account TEXT NOT NULL,
  topup TEXT,
  loan TEXT NOT NULL,
  record_id TEXT REFERENCES records (id),
  transaction_id TEXT,
  version INTEGER NOT NULL DEFAULT 0,
  tenant TEXT NOT NULL DEFAULT '',
  UNIQUE (tenant, ref_id),
  UNIQUE (tenant, payout_service_id),
  CHECK ((status = 'pending') = (payout_service_id IS NULL)),
  CHECK ((status = 'pending') = (is_downloaded = 0)),
  CHECK ((status = 'processed') = (utr IS NOT NULL AND processed_at IS NOT NULL AND debit_bank_id IS NOT NULL)),
  CHECK ((status = 'failed') = (failed_remark IS NOT NULL)),
  CHECK (status = 'processed' OR (record_id IS NULL AND transaction_id IS NULL))
);
INSERT INTO payouts SELECT * FROM payouts_v4;
ALTER TABLE export_lines RENAME TO export_lines_v4;
CREATE TABLE export_lines (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL,
  payout_id TEXT NOT NULL REFERENCES payouts (id),
  debit_bank_id TEXT NOT NULL REFERENCES debit_banks (id),
  exported_at REAL NOT NULL,
  tenant TEXT NOT NULL DEFAULT '',
  UNIQUE (tenant, reference)
);
INSERT INTO export_lines SELECT * FROM export_lines_v4;
DROP TABLE export_lines_v4;
DROP TABLE payouts_v4;
CREATE INDEX payouts_created ON payouts (created_at, seq);
CREATE INDEX payouts_status_created ON payouts (status, created_at, seq);
CREATE INDEX payouts_loan ON payouts (loan);
CREATE INDEX payouts_account ON payouts (account);
CREATE INDEX payouts_amount ON payouts (amount, seq);
CREATE INDEX payouts_processed ON payouts (processed_at, seq);
CREATE INDEX payouts_tenant_created ON payouts (tenant, created_at, seq);
CREATE TRIGGER payouts_version AFTER UPDATE ON payouts WHEN NEW.version = OLD.version
BEGIN
  UPDATE payouts SET version = OLD.version + 1 WHERE seq = NEW.seq;
END;

-- The numbers a tenant sees (ref_id, numeric_ref_id, export line numbers) count its own rows
-- only; they go on from the highest number the tenant already has.
CREATE TABLE tenant_sequences (
  tenant TEXT NOT NULL,
  name TEXT NOT NULL CHECK (name IN ('payouts', 'export_lines')),
  next INTEGER NOT NULL,
  PRIMARY KEY (tenant, name)
);
INSERT INTO tenant_sequences (tenant, name, next) SELECT tenant, 'payouts', max(seq) FROM payouts GROUP BY tenant;
INSERT INTO tenant_sequences (tenant, name, next) SELECT tenant, 'export_lines', max(seq) FROM export_lines GROUP BY tenant;
