-- the first answer of every state-changing call made with an Idempotency-Key
-- Never edit a migration that has shipped: add the next version instead.
CREATE TABLE idempotent_answers (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL, -- the operation, its path parameters and its body
  status INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  headers TEXT NOT NULL, -- JSON object
  body TEXT NOT NULL, -- as sent
  created_at REAL NOT NULL
);
CREATE INDEX idempotent_answers_created ON idempotent_answers (created_at);
-- Create Payout's keys from schema 1 and 2 answer the payout they made, as they did.
INSERT INTO idempotent_answers (key, request_hash, status, content_type, headers, body, created_at)
  SELECT key, 'createPayout:' || request_hash, 201, 'legacy-payout', '{}', payout_id, created_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
