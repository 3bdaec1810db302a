-- no index on the creation time alone: every list query is one tenant's, served by (tenant, created_at, seq)
-- payouts_created (created_at, seq) has served no query since version 6 led every index a list
-- uses with the tenant, and every insert (and on PostgreSQL every move) still had to update it.
-- Never edit a migration that has shipped: add the next version instead.
DROP INDEX payouts_created;
