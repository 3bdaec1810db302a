-- banks, payouts, records, exports, idempotent answers and tenants
-- Never edit a migration that has shipped: add the next version instead.
CREATE TABLE tenants (
  name TEXT PRIMARY KEY,
  callback_secret TEXT NOT NULL UNIQUE,
  created_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE tenant_tokens (
  token_hash TEXT PRIMARY KEY,
  tenant TEXT NOT NULL REFERENCES tenants (name) ON DELETE CASCADE
);
CREATE TABLE debit_banks (id TEXT PRIMARY KEY, account_no TEXT NOT NULL, ifsc TEXT NOT NULL, document TEXT NOT NULL);
CREATE TABLE credit_banks (id TEXT PRIMARY KEY, document TEXT NOT NULL);
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  payout_id TEXT NOT NULL,
  document TEXT NOT NULL,
  tenant TEXT NOT NULL DEFAULT ''
);
CREATE SEQUENCE payouts_seq;
CREATE TABLE payouts (
  seq BIGINT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  created_at DOUBLE PRECISION NOT NULL,
  updated_at DOUBLE PRECISION NOT NULL,
  type TEXT NOT NULL,
  ref_id TEXT NOT NULL UNIQUE,
  numeric_ref_id TEXT NOT NULL,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  amount BIGINT NOT NULL CHECK (amount >= 1),
  method TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'initiated', 'processed', 'failed')),
  payout_service_id TEXT UNIQUE,
  processed_at BIGINT,
  bank_date DOUBLE PRECISION,
  date DOUBLE PRECISION,
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
  CHECK ((status = 'pending') = (payout_service_id IS NULL)),
  CHECK ((status = 'pending') = (is_downloaded = 0)),
  CHECK ((status = 'processed') = (utr IS NOT NULL AND processed_at IS NOT NULL AND debit_bank_id IS NOT NULL)),
  CHECK ((status = 'failed') = (failed_remark IS NOT NULL)),
  CHECK (status = 'processed' OR (record_id IS NULL AND transaction_id IS NULL))
);
CREATE INDEX payouts_created ON payouts (created_at, seq);
CREATE INDEX payouts_tenant_created ON payouts (tenant, created_at, seq);
CREATE INDEX payouts_status_created ON payouts (status, created_at, seq);
CREATE INDEX payouts_loan ON payouts (loan);
CREATE INDEX payouts_account ON payouts (account);
CREATE INDEX payouts_amount ON payouts (amount, seq);
CREATE INDEX payouts_processed ON payouts (processed_at, seq);
-- Every change of a payout, by any process, moves its version on (the read cache keys on it).
CREATE FUNCTION payouts_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN NEW.version := OLD.version + 1; RETURN NEW; END $$;
CREATE TRIGGER payouts_version BEFORE UPDATE ON payouts FOR EACH ROW EXECUTE FUNCTION payouts_next_version();
CREATE SEQUENCE export_lines_seq;
CREATE TABLE export_lines (
  seq BIGINT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  payout_id TEXT NOT NULL REFERENCES payouts (id),
  debit_bank_id TEXT NOT NULL REFERENCES debit_banks (id),
  exported_at DOUBLE PRECISION NOT NULL,
  tenant TEXT NOT NULL DEFAULT ''
);
CREATE TABLE idempotent_answers (
  tenant TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (tenant, key)
);
CREATE INDEX idempotent_answers_created ON idempotent_answers (created_at);
