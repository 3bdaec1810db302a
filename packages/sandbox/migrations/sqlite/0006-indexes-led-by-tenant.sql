-- indexes led by the tenant: a payout's place among its loan's, a loan's or account's payouts, the next export
-- Every query names its tenant first, so an index without the tenant in front loses to
-- payouts_tenant_created and the query walks all of the tenant's payouts: Create Payout's count of
-- its loan's payouts grew with the tenant's size (420 us a request at 5,000 payouts).
-- Never edit a migration that has shipped: add the next version instead.
DROP INDEX payouts_loan;
DROP INDEX payouts_account;
DROP INDEX payouts_status_created;
CREATE INDEX payouts_tenant_loan ON payouts (tenant, loan, created_at, seq);
CREATE INDEX payouts_tenant_account ON payouts (tenant, account, created_at, seq);
CREATE INDEX payouts_tenant_status ON payouts (tenant, status, created_at, seq);
