-- reversals and the simulated bank: a paid payout the bank returned, the transfers that were returned, each tenant's bank
-- A reversed payout keeps its utr and processed_at, and has a remark and a reversed_at; an export
-- line remembers that its transfer was returned, so a late success for it cannot pay the payout
-- again. Tables are rebuilt where SQLite cannot alter a constraint.
-- Never edit a migration that has shipped: add the next version instead.
ALTER TABLE payouts RENAME TO payouts_v6;
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
  status TEXT NOT NULL CHECK (status IN ('pending', 'initiated', 'processed', 'failed', 'reversed')),
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
  reversed_at INTEGER,
  UNIQUE (tenant, ref_id),
  UNIQUE (tenant, payout_service_id),
  CHECK ((status = 'pending') = (payout_service_id IS NULL)),
  CHECK ((status = 'pending') = (is_downloaded = 0)),
  CHECK ((status IN ('processed', 'reversed')) = (utr IS NOT NULL AND processed_at IS NOT NULL AND debit_bank_id IS NOT NULL)),
  CHECK ((status IN ('failed', 'reversed')) = (failed_remark IS NOT NULL)),
  CHECK ((status = 'reversed') = (reversed_at IS NOT NULL)),
  CHECK (status IN ('processed', 'reversed') OR (record_id IS NULL AND transaction_id IS NULL))
);
INSERT INTO payouts SELECT *, NULL FROM payouts_v6;
ALTER TABLE export_lines RENAME TO export_lines_v6;
CREATE TABLE export_lines (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL,
  payout_id TEXT NOT NULL REFERENCES payouts (id),
  debit_bank_id TEXT NOT NULL REFERENCES debit_banks (id),
  exported_at REAL NOT NULL,
  tenant TEXT NOT NULL DEFAULT '',
  reversed INTEGER NOT NULL DEFAULT 0 CHECK (reversed IN (0, 1)), -- the bank returned this transfer
  UNIQUE (tenant, reference)
);
INSERT INTO export_lines SELECT *, 0 FROM export_lines_v6;
DROP TABLE export_lines_v6;
DROP TABLE payouts_v6;
CREATE INDEX payouts_created ON payouts (created_at, seq);
CREATE INDEX payouts_amount ON payouts (amount, seq);
CREATE INDEX payouts_processed ON payouts (processed_at, seq);
CREATE INDEX payouts_tenant_created ON payouts (tenant, created_at, seq);
CREATE INDEX payouts_tenant_loan ON payouts (tenant, loan, created_at, seq);
CREATE INDEX payouts_tenant_account ON payouts (tenant, account, created_at, seq);
CREATE INDEX payouts_tenant_status ON payouts (tenant, status, created_at, seq);
CREATE TRIGGER payouts_version AFTER UPDATE ON payouts WHEN NEW.version = OLD.version
BEGIN
  UPDATE payouts SET version = OLD.version + 1 WHERE seq = NEW.seq;
END;
-- Each tenant's simulated bank: 'simulated' or 'none', NULL for the sandbox's own setting (--bank);
-- its delay in seconds, NULL for the sandbox's.
ALTER TABLE tenants ADD COLUMN bank TEXT CHECK (bank IN ('simulated', 'none'));
ALTER TABLE tenants ADD COLUMN bank_delay REAL CHECK (bank_delay >= 0);
