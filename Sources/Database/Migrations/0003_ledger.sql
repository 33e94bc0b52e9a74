-- The double-entry ledger. Balances are never stored on their own: every entry carries
-- its account's sequence number and the running balance after it, and the database
-- itself refuses entries that break the chain, unbalanced transactions, negative
-- balances where they are not allowed, and any change to a posted entry.

CREATE TABLE accounts (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    code text NOT NULL CHECK (char_length(code) BETWEEN 1 AND 100),
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    type text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
    currency text NOT NULL CHECK (currency ~ '^[A-Z][A-Z0-9_]{2,11}$'),
    allow_negative boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, currency, code)
);

-- A user's wallet is a liability account of the tenant (same id), one per user and currency.
CREATE TABLE wallets (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    user_id uuid NOT NULL,
    currency text NOT NULL,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, user_id, currency),
    FOREIGN KEY (tenant_id, id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE transactions (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    type text NOT NULL CHECK (type IN ('fund', 'spend', 'bonus', 'transfer', 'journal', 'reversal', 'charge', 'payout')),
    currency text NOT NULL CHECK (currency ~ '^[A-Z][A-Z0-9_]{2,11}$'),
    amount bigint NOT NULL CHECK (amount > 0 AND amount <= 9007199254740991),
    memo text CHECK (char_length(memo) <= 1000),
    external_ref text CHECK (char_length(external_ref) BETWEEN 1 AND 255),
    reverses_id uuid,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, external_ref),
    UNIQUE (tenant_id, reverses_id),
    FOREIGN KEY (tenant_id, reverses_id) REFERENCES transactions (tenant_id, id)
);

CREATE INDEX transactions_newest ON transactions (tenant_id, created_at DESC, id DESC);

CREATE TABLE entries (
    tenant_id uuid NOT NULL,
    account_id uuid NOT NULL,
    sequence bigint NOT NULL CHECK (sequence > 0),
    transaction_id uuid NOT NULL,
    line smallint NOT NULL CHECK (line BETWEEN 1 AND 100),
    direction text NOT NULL CHECK (direction IN ('debit', 'credit')),
    amount bigint NOT NULL CHECK (amount > 0 AND amount <= 9007199254740991),
    currency text NOT NULL,
    balance_after bigint NOT NULL,
    allow_negative boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, account_id, sequence),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, transaction_id) REFERENCES transactions (tenant_id, id),
    CONSTRAINT entries_not_negative CHECK (allow_negative OR balance_after >= 0)
);

CREATE UNIQUE INDEX entries_by_transaction ON entries (tenant_id, transaction_id, line);

-- Each entry must continue its account's chain: the next sequence number, the running
-- balance moved by exactly this entry on the account's normal side, the account's
-- currency and negativity rule.
CREATE FUNCTION ledger_check_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account_type text;
    account_currency text;
    account_allows_negative boolean;
    previous_sequence bigint;
    previous_balance bigint;
    movement bigint;
BEGIN
    SELECT type, currency, allow_negative INTO account_type, account_currency, account_allows_negative
    FROM accounts WHERE tenant_id = NEW.tenant_id AND id = NEW.account_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'entry for unknown account %', NEW.account_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NEW.currency <> account_currency THEN
        RAISE EXCEPTION 'entry in % on an account in %', NEW.currency, account_currency USING ERRCODE = 'check_violation';
    END IF;
    NEW.allow_negative := account_allows_negative;

    SELECT sequence, balance_after INTO previous_sequence, previous_balance
    FROM entries WHERE tenant_id = NEW.tenant_id AND account_id = NEW.account_id
    ORDER BY sequence DESC LIMIT 1;
    IF NOT FOUND THEN
        previous_sequence := 0;
        previous_balance := 0;
    END IF;

    movement := CASE WHEN (NEW.direction = 'debit') = (account_type IN ('asset', 'expense')) THEN NEW.amount ELSE -NEW.amount END;
    IF NEW.sequence <> previous_sequence + 1 OR NEW.balance_after <> previous_balance + movement THEN
        RAISE EXCEPTION 'entry breaks the balance chain of account % (sequence %, expected %)',
            NEW.account_id, NEW.sequence, previous_sequence + 1 USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER entries_continue_chain BEFORE INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();

-- Posted entries and transactions are never changed or removed: a correction is a reversal.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only; post a reversal instead', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER transactions_append_only BEFORE UPDATE OR DELETE ON transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER transactions_no_truncate BEFORE TRUNCATE ON transactions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON entries, transactions FROM PUBLIC;

-- At commit, every transaction has entries (checked once per transaction) and its debits
-- equal its credits per currency (checked for every entry, so an entry added to an old
-- transaction is caught too).
CREATE FUNCTION ledger_check_has_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM entries WHERE tenant_id = NEW.tenant_id AND transaction_id = NEW.id) THEN
        RAISE EXCEPTION 'transaction % has no entries', NEW.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER transactions_have_entries AFTER INSERT ON transactions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_has_entries();

CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM entries
        WHERE tenant_id = NEW.tenant_id AND transaction_id = NEW.transaction_id
        GROUP BY currency
        HAVING sum(CASE direction WHEN 'debit' THEN amount ELSE -amount END) <> 0
    ) THEN
        RAISE EXCEPTION 'transaction % is unbalanced: debits and credits differ', NEW.transaction_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER entries_balanced AFTER INSERT ON entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();

-- Exactly-once writes: a money-moving request's Idempotency-Key, recorded in the same
-- database transaction as its postings, with the response to replay.
CREATE TABLE idempotency_keys (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    key text NOT NULL CHECK (char_length(key) BETWEEN 1 AND 255),
    request_sha256 bytea NOT NULL,
    status integer NOT NULL,
    response_body bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Merchants: money received on a merchant's behalf is owed to it (a liability, its
-- payable account) until it is paid out.
CREATE TABLE merchants (
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    id uuid NOT NULL,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    currency text NOT NULL,
    payable_account_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, payable_account_id),
    FOREIGN KEY (tenant_id, payable_account_id) REFERENCES accounts (tenant_id, id)
);
