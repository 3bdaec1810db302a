-- indexes for ordering by amount and processed_at; a version per payout for the read cache
-- Never edit a migration that has shipped: add the next version instead.
CREATE INDEX payouts_amount ON payouts (amount, seq);
CREATE INDEX payouts_processed ON payouts (processed_at, seq);
ALTER TABLE payouts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- Every change of a payout, by any process on the file, moves its version on.
CREATE TRIGGER payouts_version AFTER UPDATE ON payouts WHEN NEW.version = OLD.version
BEGIN
  UPDATE payouts SET version = OLD.version + 1 WHERE seq = NEW.seq;
END;
