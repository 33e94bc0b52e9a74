-- Workers claim jobs with a lease; a job whose lease ran out (its worker crashed or hung)
-- is claimed again. The worker that holds a job is recorded for `grey jobs list`.
ALTER TABLE jobs ADD COLUMN claimed_by text;
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
