-- What the preview workers measured in a file, and the previews they made.
--
-- The media columns are filled when a file becomes ready (NULL where a kind of file has
-- no such measure). Each preview is a blob of its own, content-addressed like the
-- originals; a blob is deleted only when no file or preview row names it.

ALTER TABLE files
    ADD COLUMN width integer CHECK (width > 0),
    ADD COLUMN height integer CHECK (height > 0),
    ADD COLUMN duration_ms bigint CHECK (duration_ms >= 0),
    ADD COLUMN pages integer CHECK (pages > 0),
    ADD COLUMN video_codec text,
    ADD COLUMN audio_codec text,
    ADD COLUMN sample_rate integer CHECK (sample_rate > 0),
    ADD COLUMN channels integer CHECK (channels > 0),
    ADD COLUMN processed_at timestamptz;

CREATE TABLE file_previews (
    tenant_id uuid NOT NULL,
    file_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('thumbnail', 'page', 'still', 'waveform')),
    width integer NOT NULL CHECK (width > 0),
    height integer NOT NULL CHECK (height > 0),
    content_type text NOT NULL,
    size bigint NOT NULL CHECK (size > 0),
    sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, file_id, kind, width),
    FOREIGN KEY (tenant_id, file_id) REFERENCES files (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX file_previews_by_blob ON file_previews (sha256);

-- The upload-to-ready histogram reads the files settled since its last scrape.
CREATE INDEX files_processed ON files (processed_at) WHERE processed_at IS NOT NULL;
