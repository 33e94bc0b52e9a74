-- Grey processes cache checked API keys; every change to a key (revocation above all,
-- whether through Grey or by hand in SQL) is announced on a channel so that each process
-- forgets the key at once.
CREATE FUNCTION api_keys_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('grey_api_keys', OLD.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION api_keys_announce_change();
