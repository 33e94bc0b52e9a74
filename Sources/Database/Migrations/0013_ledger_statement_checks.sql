-- An entry's two foreign keys (to its account and to its transaction) ran two referential
-- checks per entry row, each a query with its own executor start and a key-share lock:
-- in a profile of the posting backend, more of its time than the rest of the entry
-- checks together. The statement-level trigger of 0004 already probes each added entry's
-- account; it now also probes each transaction the statement touched, once, and refuses
-- a missing one as the foreign keys did (foreign_key_violation).
--
-- What else the foreign keys gave, that a referenced row cannot go away, holds because
-- neither can: transactions were append-only already, and accounts now are kept too (no
-- DELETE, no TRUNCATE, no change of their key).

ALTER TABLE entries DROP CONSTRAINT entries_tenant_id_account_id_fkey;
ALTER TABLE entries DROP CONSTRAINT entries_tenant_id_transaction_id_fkey;

CREATE OR REPLACE FUNCTION ledger_check_added_entries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    broken record;
BEGIN
    -- Each lookup is a LATERAL subquery fenced by OFFSET 0, so that it stays one index
    -- probe per added row whatever the planner guesses about the transition table.
    SELECT added.account_id, added.sequence, account.type IS NULL AS unknown INTO broken
    FROM added
    LEFT JOIN LATERAL (
        SELECT a.type, a.currency, a.allow_negative FROM accounts a
        WHERE a.tenant_id = added.tenant_id AND a.id = added.account_id OFFSET 0
    ) account ON true
    LEFT JOIN LATERAL (
        SELECT p.balance_after FROM entries p
        WHERE p.tenant_id = added.tenant_id AND p.account_id = added.account_id AND p.sequence = added.sequence - 1 OFFSET 0
    ) previous ON true
    WHERE account.type IS NULL
       OR added.currency <> account.currency OR added.allow_negative <> account.allow_negative
       OR (added.sequence > 1 AND previous.balance_after IS NULL)
       OR added.balance_after <> coalesce(previous.balance_after, 0)
          + CASE WHEN (added.direction = 'debit') = (account.type IN ('asset', 'expense')) THEN added.amount ELSE -added.amount END
    ORDER BY account.type IS NULL DESC
    LIMIT 1;
    IF FOUND AND broken.unknown THEN
        RAISE EXCEPTION 'entry for unknown account %', broken.account_id USING ERRCODE = 'foreign_key_violation';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'entry % of account % breaks the balance chain or the account''s currency or negativity rule',
            broken.sequence, broken.account_id
            USING ERRCODE = 'check_violation';
    END IF;

    SELECT touched.transaction_id, known.id IS NULL AS unknown INTO broken
    FROM (SELECT DISTINCT tenant_id, transaction_id FROM added) touched
    LEFT JOIN LATERAL (
        SELECT t.id FROM transactions t WHERE t.tenant_id = touched.tenant_id AND t.id = touched.transaction_id OFFSET 0
    ) known ON true
    LEFT JOIN LATERAL (
        SELECT 1 AS found FROM entries e
        WHERE e.tenant_id = touched.tenant_id AND e.transaction_id = touched.transaction_id
        GROUP BY e.currency
        HAVING sum(CASE e.direction WHEN 'debit' THEN e.amount ELSE -e.amount END) <> 0
        OFFSET 0
    ) unbalanced ON true
    WHERE known.id IS NULL OR unbalanced.found IS NOT NULL
    ORDER BY known.id IS NULL DESC
    LIMIT 1;
    IF FOUND AND broken.unknown THEN
        RAISE EXCEPTION 'entry for unknown transaction %', broken.transaction_id USING ERRCODE = 'foreign_key_violation';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'transaction % is unbalanced: debits and credits differ', broken.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION ledger_keep_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'accounts are kept for their entries (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER accounts_kept BEFORE DELETE OR UPDATE OF tenant_id, id ON accounts
    FOR EACH ROW EXECUTE FUNCTION ledger_keep_accounts();
CREATE TRIGGER accounts_no_truncate BEFORE TRUNCATE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_keep_accounts();
REVOKE DELETE, TRUNCATE ON accounts FROM PUBLIC;
