-- A posting batch used to read what it needed in four round trips: its Idempotency-Keys,
-- a lock on its accounts, then (in a later statement, so in a snapshot taken after the
-- locks) the accounts' latest balances, external references and reversals. Under load
-- each round trip costs more in waiting than in work, so this function does all of it in
-- one call. A VOLATILE function in READ COMMITTED takes a fresh snapshot for each
-- statement it runs, so the reads after the locks still see every transaction that
-- committed before the locks were granted.
--
-- It returns one row per finding, told apart by `kind`:
--   k  a stored Idempotency-Key: tenant_id, label = the key, digest, response_status, response_body
--   a  a locked account: tenant_id, id, label = type, currency, allow_negative,
--      status = the wallet's status (NULL for a system account), sequence, balance
--   r  an external reference already used: tenant_id, label = the reference, id = its transaction
--   v  a transaction already reversed: tenant_id, other_id = the original, id = its reversal
--   t  the moment the locks were all held (the batch's creation time), in whole
--      microseconds since 1970: at_microseconds
--
-- Every lookup starts from the batch's arrays and probes an index per element (LATERAL,
-- fenced by OFFSET 0): left to choose, the planner may hash-join the arrays with a
-- sequential scan of the whole table, which grows with the ledger. With the plan's shape
-- fixed this way, the function's cached plans serve every batch.
--
-- The time is taken after the locks, so per account it never goes backwards: a later
-- batch on the same account waits for this one to commit before it reads the clock.
CREATE FUNCTION ledger_read_batch(
    key_tenants uuid[], keys text[],
    account_tenants uuid[], account_ids uuid[],
    ref_tenants uuid[], refs text[],
    reversal_tenants uuid[], reversed_ids uuid[]
) RETURNS TABLE (
    kind text, tenant_id uuid, id uuid, label text, other_id uuid, currency text,
    allow_negative boolean, status text, sequence bigint, balance bigint,
    digest bytea, response_status integer, response_body bytea, at_microseconds bigint
) LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    RETURN QUERY
    SELECT 'k'::text, k.tenant_id, NULL::uuid, k.key, NULL::uuid, NULL::text, NULL::boolean, NULL::text,
           NULL::bigint, NULL::bigint, k.request_sha256, k.status, k.response_body, NULL::bigint
    FROM unnest(key_tenants, keys) AS c(tenant_id, key)
    CROSS JOIN LATERAL (
        SELECT * FROM idempotency_keys k WHERE k.tenant_id = c.tenant_id AND k.key = c.key OFFSET 0
    ) k;

    -- Locked in one global order (by id; the nested loop locks in its outer rows' order),
    -- so no two batches wait on each other.
    PERFORM 1
    FROM (SELECT * FROM unnest(account_tenants, account_ids) AS u(tenant_id, id) ORDER BY u.id) l
    CROSS JOIN LATERAL (
        SELECT 1 FROM accounts a WHERE a.tenant_id = l.tenant_id AND a.id = l.id FOR UPDATE
    ) a;

    RETURN QUERY
    SELECT 'a'::text, a.tenant_id, a.id, a.type, NULL::uuid, a.currency, a.allow_negative, w.status,
           coalesce(h.sequence, 0), coalesce(h.balance_after, 0), NULL::bytea, NULL::integer, NULL::bytea, NULL::bigint
    FROM unnest(account_tenants, account_ids) AS l(tenant_id, id)
    CROSS JOIN LATERAL (SELECT * FROM accounts a WHERE a.tenant_id = l.tenant_id AND a.id = l.id OFFSET 0) a
    LEFT JOIN LATERAL (SELECT w.status FROM wallets w WHERE w.tenant_id = a.tenant_id AND w.id = a.id OFFSET 0) w ON true
    LEFT JOIN LATERAL (
        SELECT e.sequence, e.balance_after FROM entries e
        WHERE e.tenant_id = a.tenant_id AND e.account_id = a.id
        ORDER BY e.sequence DESC LIMIT 1
    ) h ON true;

    IF cardinality(refs) > 0 THEN
        RETURN QUERY
        SELECT 'r'::text, t.tenant_id, t.id, t.external_ref, NULL::uuid, NULL::text, NULL::boolean, NULL::text,
               NULL::bigint, NULL::bigint, NULL::bytea, NULL::integer, NULL::bytea, NULL::bigint
        FROM unnest(ref_tenants, refs) AS r(tenant_id, ref)
        CROSS JOIN LATERAL (
            SELECT * FROM transactions t WHERE t.tenant_id = r.tenant_id AND t.external_ref = r.ref OFFSET 0
        ) t;
    END IF;

    IF cardinality(reversed_ids) > 0 THEN
        RETURN QUERY
        SELECT 'v'::text, t.tenant_id, t.id, NULL::text, t.reverses_id, NULL::text, NULL::boolean, NULL::text,
               NULL::bigint, NULL::bigint, NULL::bytea, NULL::integer, NULL::bytea, NULL::bigint
        FROM unnest(reversal_tenants, reversed_ids) AS r(tenant_id, id)
        CROSS JOIN LATERAL (
            SELECT * FROM transactions t WHERE t.tenant_id = r.tenant_id AND t.reverses_id = r.id OFFSET 0
        ) t;
    END IF;

    RETURN QUERY
    SELECT 't'::text, NULL::uuid, NULL::uuid, NULL::text, NULL::uuid, NULL::text, NULL::boolean, NULL::text,
           NULL::bigint, NULL::bigint, NULL::bytea, NULL::integer, NULL::bytea,
           (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
END
$$;
