-- tenants: an id never reused; numbers counted per tenant; references unique per tenant
-- Rows keep their tenant column: for tenants made before this version, the id is the name.
-- Never edit a migration that has shipped: add the next version instead.
ALTER TABLE tenants ADD COLUMN id TEXT;
UPDATE tenants SET id = name;
ALTER TABLE tenants ALTER COLUMN id SET NOT NULL;
ALTER TABLE tenant_tokens DROP CONSTRAINT tenant_tokens_tenant_fkey;
ALTER TABLE tenants DROP CONSTRAINT tenants_pkey;
ALTER TABLE tenants ADD PRIMARY KEY (id);
ALTER TABLE tenants ADD UNIQUE (name);
ALTER TABLE tenant_tokens ADD FOREIGN KEY (tenant) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE payouts DROP CONSTRAINT payouts_ref_id_key;
ALTER TABLE payouts ADD UNIQUE (tenant, ref_id);
ALTER TABLE payouts DROP CONSTRAINT payouts_payout_service_id_key;
ALTER TABLE payouts ADD UNIQUE (tenant, payout_service_id);
ALTER TABLE export_lines DROP CONSTRAINT export_lines_reference_key;
ALTER TABLE export_lines ADD UNIQUE (tenant, reference);
CREATE TABLE tenant_sequences (
  tenant TEXT NOT NULL,
  name TEXT NOT NULL CHECK (name IN ('payouts', 'export_lines')),
  next BIGINT NOT NULL,
  PRIMARY KEY (tenant, name)
);
INSERT INTO tenant_sequences (tenant, name, next) SELECT tenant, 'payouts', max(seq) FROM payouts GROUP BY tenant;
INSERT INTO tenant_sequences (tenant, name, next) SELECT tenant, 'export_lines', max(seq) FROM export_lines GROUP BY tenant;
