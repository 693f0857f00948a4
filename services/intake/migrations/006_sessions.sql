-- The chambers' sessions a request's project holder was registered to
-- (creation.session.registered): what their confirmation and reminder
-- e-mails say. Deleted with the request's personal data.
CREATE TABLE session_registrations (
    request_id    uuid        NOT NULL REFERENCES requests (request_id),
    session_id    uuid        NOT NULL,
    chamber       text        NOT NULL,
    kind          text        NOT NULL,
    title         text        NOT NULL,
    starts_at     timestamptz NOT NULL,
    place         text        NOT NULL,
    registered_at timestamptz NOT NULL,
    PRIMARY KEY (request_id, session_id)
);
