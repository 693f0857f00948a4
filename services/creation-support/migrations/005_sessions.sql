-- Collective information meetings and trainings of a chamber, and the
-- cases registered to them. A registration is unique per session and
-- case; the capacity is checked with the session row locked.
CREATE TABLE creation_sessions (
    session_id uuid        PRIMARY KEY,
    chamber    text        NOT NULL CHECK (chamber IN ('CCI', 'CMA')),
    kind       text        NOT NULL CHECK (kind IN ('information_meeting', 'training')),
    title      text        NOT NULL,
    starts_at  timestamptz NOT NULL,
    place      text        NOT NULL,
    capacity   integer     NOT NULL CHECK (capacity > 0),
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX creation_sessions_upcoming ON creation_sessions (chamber, kind, starts_at);

CREATE TABLE session_registrations (
    session_id    uuid        NOT NULL REFERENCES creation_sessions (session_id),
    case_id       uuid        NOT NULL REFERENCES creation_cases (case_id),
    seq           bigint      GENERATED ALWAYS AS IDENTITY,
    registered_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, case_id)
);
