-- Every request an applicant submitted. details holds the validated request
-- with the applicant's personal data, which never leaves intake; the routing
-- decision is kept with its rule id and reason.
CREATE TABLE requests (
    request_id    uuid        PRIMARY KEY,
    kind          text        NOT NULL,
    status        text        NOT NULL,
    naf_code      text,
    commune_code  text        NOT NULL,
    departement   text        NOT NULL,
    routing       jsonb       NOT NULL,
    details       jsonb       NOT NULL,
    submitted_at  timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    anonymised_at timestamptz
);

CREATE INDEX requests_submitted ON requests (submitted_at);

-- Idempotency-Key values: a retried POST with the same key and body gets
-- the same request back; the same key with another body is refused.
CREATE TABLE idempotency_keys (
    scope       text        NOT NULL,
    key         text        NOT NULL,
    fingerprint bytea       NOT NULL,
    request_id  uuid        NOT NULL REFERENCES requests (request_id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
