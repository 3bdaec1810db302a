-- banks, payouts, records, exports and idempotency keys
-- Never edit a migration that has shipped: add the next version instead.
CREATE TABLE debit_banks (
  id TEXT PRIMARY KEY,
  account_no TEXT NOT NULL,
  ifsc TEXT NOT NULL,
  document TEXT NOT NULL -- the DebitBank object as the API answers it
);
CREATE TABLE credit_banks (
  id TEXT PRIMARY KEY,
  document TEXT NOT NULL -- the CreditBank object as the API answers it
);
CREATE TABLE records (
  id TEXT PRIMARY KEY,
  payout_id TEXT NOT NULL,
  document TEXT NOT NULL -- what expand=record answers
);
CREATE TABLE payouts (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  type TEXT NOT NULL,
  ref_id TEXT NOT NULL UNIQUE,
  numeric_ref_id TEXT NOT NULL,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  amount INTEGER NOT NULL CHECK (amount >= 1),
  method TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'initiated', 'processed', 'failed')),
  payout_service_id TEXT UNIQUE,
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
  -- The lifecycle, enforced by the database too: a bug cannot store an impossible payout.
  CHECK ((status = 'pending') = (payout_service_id IS NULL)),
  CHECK ((status = 'pending') = (is_downloaded = 0)),
  CHECK ((status = 'processed') = (utr IS NOT NULL AND processed_at IS NOT NULL AND debit_bank_id IS NOT NULL)),
  CHECK ((status = 'failed') = (failed_remark IS NOT NULL)),
  CHECK (status = 'processed' OR (record_id IS NULL AND transaction_id IS NULL))
);
CREATE INDEX payouts_created ON payouts (created_at, seq);
CREATE INDEX payouts_status_created ON payouts (status, created_at, seq);
CREATE INDEX payouts_loan ON payouts (loan);
CREATE INDEX payouts_account ON payouts (account);
CREATE TABLE export_lines (
  seq INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  payout_id TEXT NOT NULL REFERENCES payouts (id),
  debit_bank_id TEXT NOT NULL REFERENCES debit_banks (id),
  exported_at REAL NOT NULL
);
CREATE TABLE idempotency_keys (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  payout_id TEXT NOT NULL REFERENCES payouts (id),
  created_at REAL NOT NULL
);
