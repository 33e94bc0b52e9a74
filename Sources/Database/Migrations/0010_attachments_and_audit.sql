-- Receipts linked to posted transactions, and the append-only, hash-chained audit log.
--
-- An attachment links a file to a transaction of the same tenant. A file that is linked
-- cannot be deleted: the foreign key refuses it whatever code path tries.

CREATE TABLE file_attachments (
    tenant_id uuid NOT NULL,
    transaction_id uuid NOT NULL,
    file_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, transaction_id, file_id),
    CONSTRAINT file_attachments_transaction FOREIGN KEY (tenant_id, transaction_id) REFERENCES transactions (tenant_id, id),
    CONSTRAINT file_attachments_file FOREIGN KEY (tenant_id, file_id) REFERENCES files (tenant_id, id)
);

CREATE INDEX file_attachments_by_file ON file_attachments (tenant_id, file_id);

-- Every write is recorded here in the same database transaction as the write itself.
-- A sealer then links committed events into one chain per tenant, in the order it finds
-- them: `sequence` numbers the chain from 1 and `hash` is SHA-256 over the previous hash
-- and the event's fields, so changing, removing or reordering a sealed event breaks every
-- hash after it. Writers never wait for the chain; an event is unsealed (NULL sequence
-- and hashes) for about a second.
CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    action text NOT NULL CHECK (char_length(action) BETWEEN 1 AND 64),
    subject_type text NOT NULL CHECK (char_length(subject_type) BETWEEN 1 AND 64),
    subject_id text NOT NULL CHECK (char_length(subject_id) BETWEEN 1 AND 128),
    key_id uuid,
    request_id text CHECK (char_length(request_id) <= 128),
    details jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    sequence bigint CHECK (sequence > 0),
    previous_hash bytea CHECK (octet_length(previous_hash) = 32),
    hash bytea CHECK (octet_length(hash) = 32),
    CHECK ((sequence IS NULL) = (hash IS NULL) AND (hash IS NULL) = (previous_hash IS NULL)),
    UNIQUE (tenant_id, sequence)
);

-- What the sealer takes next, and the tenant's newest events for GET /v1/audit.
CREATE INDEX audit_events_unsealed ON audit_events (id) WHERE sequence IS NULL;
CREATE INDEX audit_events_newest ON audit_events (tenant_id, id DESC);

-- The last sealed event of each tenant's chain: where the next one links on, and what
-- the verifier compares the chain's end with (so dropping the newest events shows).
CREATE TABLE audit_chain_heads (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
    sequence bigint NOT NULL CHECK (sequence > 0),
    hash bytea NOT NULL CHECK (octet_length(hash) = 32)
);

-- Append-only: an event may be sealed once; nothing else in it changes and no event is
-- deleted. (A superuser can switch the trigger off; the chain then shows the change.)
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.sequence IS NULL
        AND (NEW.id, NEW.tenant_id, NEW.occurred_at, NEW.action, NEW.subject_type, NEW.subject_id,
             NEW.key_id, NEW.request_id, NEW.details)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.tenant_id, OLD.occurred_at, OLD.action, OLD.subject_type, OLD.subject_id,
             OLD.key_id, OLD.request_id, OLD.details)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE FUNCTION audit_events_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (TRUNCATE refused)' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();

-- A committed event wakes the sealer at once.
CREATE FUNCTION audit_events_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('grey_audit', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_events_recorded AFTER INSERT ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_announce();
