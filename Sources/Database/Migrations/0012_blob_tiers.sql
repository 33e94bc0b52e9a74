-- Hot and cold blob tiers: when each file was last read through the origin, and which
-- blobs the lifecycle moved to the cold tier.
--
-- last_read_at is NULL until the first read, then set at most once an hour. A cold_blobs
-- row holds only while demoted_at is later than every upload of its bytes: an upload puts
-- the bytes back in the hot tier.

ALTER TABLE files ADD COLUMN last_read_at timestamptz;

CREATE TABLE cold_blobs (
    sha256 bytea PRIMARY KEY CHECK (octet_length(sha256) = 32),
    size bigint NOT NULL CHECK (size > 0),
    demoted_at timestamptz NOT NULL DEFAULT now()
);
