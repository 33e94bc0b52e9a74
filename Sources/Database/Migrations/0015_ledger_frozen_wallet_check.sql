-- A posting batch may now be planned from the accounts' states this process last saw and
-- written in one statement that commits on its own, without first locking its accounts
-- (the optimistic path). A stale balance or sequence already fails that statement (the
-- chain check of 0004/0013 and the entries' primary key), but a wallet frozen by another
-- transaction since would not: this check refuses an entry on a frozen wallet, whatever
-- wrote it.
--
-- Each touched wallet is locked FOR SHARE, in one order, so that a freeze (an UPDATE of
-- the wallet's row) either waits for the posting's transaction to end, or is waited for
-- and its new status seen here: a wallet cannot be frozen under a posting that has passed
-- this check and not yet committed.

CREATE FUNCTION ledger_refuse_frozen_wallets() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    frozen uuid;
BEGIN
    SELECT wallet.id INTO frozen
    FROM (SELECT DISTINCT tenant_id, account_id FROM added ORDER BY tenant_id, account_id) touched
    CROSS JOIN LATERAL (
        SELECT w.id, w.status FROM wallets w
        WHERE w.tenant_id = touched.tenant_id AND w.id = touched.account_id
        FOR SHARE
    ) wallet
    WHERE wallet.status = 'frozen'
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'wallet % is frozen', frozen USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER entries_not_on_frozen_wallets AFTER INSERT ON entries
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_frozen_wallets();
