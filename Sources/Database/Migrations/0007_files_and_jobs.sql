-- Uploaded files and the job queue that the preview workers drain.
--
-- A file row is made by POST /v1/uploads (awaiting_upload) and moves to processing when
-- its bytes arrived whole and verified, in the same transaction that queues its job; the
-- workers then make it ready or rejected. The bytes live in the blob store under sha256.

CREATE TABLE files (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    filename text NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
    extension text NOT NULL,
    declared_type text NOT NULL,
    detected_type text,
    size bigint NOT NULL CHECK (size > 0),
    sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
    status text NOT NULL CHECK (status IN ('awaiting_upload', 'processing', 'ready', 'rejected')),
    rejection_code text,
    rejection_detail text,
    upload_expires_at timestamptz NOT NULL,
    uploaded_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK ((status = 'awaiting_upload') = (uploaded_at IS NULL)),
    CHECK ((status = 'rejected') = (rejection_code IS NOT NULL))
);

CREATE INDEX files_newest ON files (tenant_id, created_at DESC, id DESC);
-- Which files hold a blob (a blob is deleted only when no file needs it).
CREATE INDEX files_by_blob ON files (sha256);

CREATE TABLE jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    file_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('process_file')),
    state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    run_after timestamptz NOT NULL DEFAULT now(),
    lease_expires_at timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, file_id) REFERENCES files (tenant_id, id)
);

-- What a worker claims next: queued jobs by due time.
CREATE INDEX jobs_due ON jobs (run_after) WHERE state = 'queued';
CREATE INDEX jobs_by_file ON jobs (tenant_id, file_id);

-- A queued job wakes a listening worker at once (no polling delay).
CREATE FUNCTION jobs_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('grey_jobs', NEW.kind);
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_queued AFTER INSERT ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobs_announce();
