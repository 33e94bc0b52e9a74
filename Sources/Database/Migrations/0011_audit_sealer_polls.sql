-- The audit sealer polls (every second) instead of being woken by a NOTIFY from every
-- statement that records events: PostgreSQL serialises the commits of transactions that
-- sent a NOTIFY on one global lock, and every posting batch records events, so the
-- notification cost the ledger a quarter of its throughput (bench/README.md).
DROP TRIGGER audit_events_recorded ON audit_events;
DROP FUNCTION audit_events_announce();
