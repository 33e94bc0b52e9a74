-- Sealing no longer rewrites the events it seals. Until now the sealer filled in each
-- event's sequence and hashes with an UPDATE: a second heap tuple per event, three more
-- index entries, a dead row for vacuum, all on the pages the writers were appending to.
-- With the sealer switched off, the ledger posted a fifth more transfers/s
-- (bench/README.md). Now an event is written once and never changed; its place in the
-- chain is a row of its own in `audit_links`, which only the sealer appends to.
--
-- Which events are waiting: every event records the id of the transaction that wrote it
-- (`writer_xid`). The sealer takes events in (writer_xid, id) order, and only those whose
-- writer had finished when its snapshot was taken (writer_xid below the snapshot's xmin),
-- so an event can never commit behind the point the sealer has reached. That point is
-- `audit_sealer_position`. A transaction that stays open holds sealing back until it ends
-- (the backlog metrics show it); it does not let anything through unsealed.

CREATE TABLE audit_links (
    event_id bigint PRIMARY KEY,
    -- The event's tenant (the verifier checks that they agree).
    tenant_id uuid NOT NULL,
    sequence bigint NOT NULL CHECK (sequence > 0),
    previous_hash bytea NOT NULL CHECK (octet_length(previous_hash) = 32),
    hash bytea NOT NULL CHECK (octet_length(hash) = 32),
    UNIQUE (tenant_id, sequence)
);

-- The events sealed so far keep their links.
INSERT INTO audit_links (event_id, tenant_id, sequence, previous_hash, hash)
SELECT id, tenant_id, sequence, previous_hash, hash FROM audit_events WHERE sequence IS NOT NULL;

-- Events written from now on carry their writer. Those sealed before have none (NULL:
-- they are behind the sealer for good); those waiting now get 1, which sorts before every
-- real transaction id, so they are sealed first, in the order they were recorded.
DROP TRIGGER audit_events_append_only ON audit_events;
ALTER TABLE audit_events ADD COLUMN writer_xid xid8;
UPDATE audit_events SET writer_xid = '1' WHERE sequence IS NULL;
ALTER TABLE audit_events ALTER COLUMN writer_xid SET DEFAULT pg_current_xact_id();
-- NOT VALID: checked for every new event, not for the ones sealed before.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_writer_known CHECK (writer_xid IS NOT NULL) NOT VALID;
-- Also drops the chain's unique index and the index of unsealed events.
ALTER TABLE audit_events DROP COLUMN sequence, DROP COLUMN previous_hash, DROP COLUMN hash;
CREATE INDEX audit_events_by_writer ON audit_events (writer_xid, id);

-- The last event sealed, in (writer_xid, id) order; one row.
CREATE TABLE audit_sealer_position (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    writer_xid xid8 NOT NULL,
    event_id bigint NOT NULL
);
-- Behind every event that has a writer: the ones waiting now (1) and all later ones.
INSERT INTO audit_sealer_position (writer_xid, event_id) VALUES ('0', 0);

-- Events and links are append-only: no UPDATE, DELETE or TRUNCATE. (Someone who can
-- switch the triggers off can still change a row; the chain is what shows it.)
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION audit_events_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (TRUNCATE refused)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_links_append_only BEFORE UPDATE OR DELETE ON audit_links
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_links_no_truncate BEFORE TRUNCATE ON audit_links
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_no_truncate();
