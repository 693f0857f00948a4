-- The partners' API: partner systems (URSSAF, DGFiP, a bank's or a credit
-- insurer's feed, a registry of late accounts) push signals with client
-- credentials of their own, never advisors' tokens.
--
-- Partner clients are provisioned from the service's configuration
-- (PARTNER_CLIENTS_FILE) at start: this table mirrors the file, and a
-- client taken out of it is kept, inactive, so that its calls stay
-- explained in partner_calls. Only a hash of the secret is held.
CREATE TABLE partner_clients (
    client_id     text PRIMARY KEY CHECK (client_id ~ '^[a-z0-9][a-z0-9_.-]{2,63}$'),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    secret_sha256 bytea NOT NULL CHECK (length(secret_sha256) = 32),
    scopes        text[] NOT NULL,
    active        boolean NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- Access tokens of the client credentials grant: opaque, short-lived,
-- held only as the SHA-256 of the token, with the scopes granted. A token
-- is worth nothing once its client is inactive.
CREATE TABLE partner_tokens (
    token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
    client_id    text NOT NULL REFERENCES partner_clients (client_id),
    scopes       text[] NOT NULL,
    issued_at    timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL CHECK (expires_at > issued_at)
);

CREATE INDEX partner_tokens_client ON partner_tokens (client_id, expires_at);

-- Idempotency-Key values of the signals' pushes, per client: a retried
-- push with the same key and body gets the first answer again (result);
-- the same key with another body is refused. Written in the push's
-- transaction, so a key names a push that was stored whole.
CREATE TABLE partner_idempotency_keys (
    client_id   text NOT NULL REFERENCES partner_clients (client_id),
    key         text NOT NULL,
    fingerprint bytea NOT NULL,
    result      jsonb NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (client_id, key)
);

-- What a partner said of a signal beyond the common columns of signals:
-- its reference (signals.source_ref is "<client id>:<reference>"), the
-- amount of a debt or an incident, the financial year of late accounts.
CREATE TABLE partner_signal_details (
    signal_id       uuid PRIMARY KEY REFERENCES signals (signal_id),
    client_id       text NOT NULL REFERENCES partner_clients (client_id),
    reference       text NOT NULL,
    amount_cents    bigint CHECK (amount_cents > 0),
    fiscal_year_end date,
    idempotency_key text NOT NULL
);

-- Every call to the partners' API, accepted or refused: who (the client
-- id, when the caller named one), which route, the outcome, the kinds and
-- number of signals. Never the secret nor the token, nor a
-- SIREN. Append-only, as audit_log.
CREATE TABLE partner_calls (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL,
    client_id       text,
    route           text NOT NULL CHECK (route IN ('token', 'signals')),
    outcome         text NOT NULL,
    kinds           text[] NOT NULL,
    signals         int NOT NULL,
    idempotency_key text,
    trace_id        text NOT NULL
);

CREATE INDEX partner_calls_client ON partner_calls (client_id, id);
CREATE INDEX partner_calls_at ON partner_calls (at);

CREATE FUNCTION partner_calls_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'partner_calls is append-only';
END
$$;

CREATE TRIGGER partner_calls_no_update_delete BEFORE UPDATE OR DELETE ON partner_calls
    FOR EACH ROW EXECUTE FUNCTION partner_calls_append_only();
CREATE TRIGGER partner_calls_no_truncate BEFORE TRUNCATE ON partner_calls
    FOR EACH STATEMENT EXECUTE FUNCTION partner_calls_append_only();
