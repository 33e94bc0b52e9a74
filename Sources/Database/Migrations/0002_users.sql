-- The people whose wallets the ledger keeps, one row per tenant and external id.

CREATE TABLE users (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    external_id text NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 255),
    display_name text CHECK (char_length(display_name) <= 255),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, external_id)
);
