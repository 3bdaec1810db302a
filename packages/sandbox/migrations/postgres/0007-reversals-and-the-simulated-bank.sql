-- reversals and the simulated bank: a paid payout the bank returned, the transfers that were returned, each tenant's bank
-- A reversed payout keeps its utr and processed_at, and has a remark and a reversed_at; an export
-- line remembers that its transfer was returned, so a late success for it cannot pay the payout
-- again. The status checks are PostgreSQL's own names for them (0004 left them unnamed).
-- Never edit a migration that has shipped: add the next version instead.
ALTER TABLE payouts ADD COLUMN reversed_at BIGINT;
ALTER TABLE export_lines ADD COLUMN reversed INTEGER NOT NULL DEFAULT 0 CHECK (reversed IN (0, 1));
DO $$
DECLARE
  status_check RECORD;
BEGIN
  FOR status_check IN
    SELECT conname FROM pg_constraint
    WHERE conrelid = 'payouts'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%status%'
  LOOP
    EXECUTE format('ALTER TABLE payouts DROP CONSTRAINT %I', status_check.conname);
  END LOOP;
END $$;
ALTER TABLE payouts
  ADD CONSTRAINT payouts_status_known CHECK (status IN ('pending', 'initiated', 'processed', 'failed', 'reversed')),
  ADD CONSTRAINT payouts_pending_has_no_reference CHECK ((status = 'pending') = (payout_service_id IS NULL)),
  ADD CONSTRAINT payouts_pending_not_downloaded CHECK ((status = 'pending') = (is_downloaded = 0)),
  ADD CONSTRAINT payouts_paid_has_utr CHECK ((status IN ('processed', 'reversed')) = (utr IS NOT NULL AND processed_at IS NOT NULL AND debit_bank_id IS NOT NULL)),
  ADD CONSTRAINT payouts_remark CHECK ((status IN ('failed', 'reversed')) = (failed_remark IS NOT NULL)),
  ADD CONSTRAINT payouts_reversed_at CHECK ((status = 'reversed') = (reversed_at IS NOT NULL)),
  ADD CONSTRAINT payouts_record_once_paid CHECK (status IN ('processed', 'reversed') OR (record_id IS NULL AND transaction_id IS NULL));
-- Each tenant's simulated bank: 'simulated' or 'none', NULL for the sandbox's own setting (--bank);
-- its delay in seconds, NULL for the sandbox's.
ALTER TABLE tenants ADD COLUMN bank TEXT CHECK (bank IN ('simulated', 'none'));
ALTER TABLE tenants ADD COLUMN bank_delay DOUBLE PRECISION CHECK (bank_delay >= 0);
