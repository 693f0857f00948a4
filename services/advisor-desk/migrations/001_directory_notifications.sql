-- The advisor directory, owned by advisor-desk. Other services project the
-- assignment-relevant part from advisor.directory.updated events.
CREATE TABLE advisors (
    advisor_id   text        PRIMARY KEY,
    revision     bigint      NOT NULL,
    chamber      text        NOT NULL CHECK (chamber IN ('CCI', 'CMA')),
    full_name    text        NOT NULL,
    email        text        NOT NULL,
    departements text[]      NOT NULL,
    specialities text[]      NOT NULL,
    capacity     integer     NOT NULL CHECK (capacity >= 0),
    active       boolean     NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Notifications of advisors. id orders them for the live stream
-- (Last-Event-ID); notification_id is stable across replays.
CREATE TABLE notifications (
    id              bigserial   PRIMARY KEY,
    notification_id uuid        NOT NULL UNIQUE,
    advisor_id      text        NOT NULL REFERENCES advisors (advisor_id),
    kind            text        NOT NULL,
    title           text        NOT NULL,
    body            text        NOT NULL,
    link            text        NOT NULL,
    source_event    uuid        NOT NULL,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz,
    UNIQUE (source_event, advisor_id)
);

CREATE INDEX notifications_advisor ON notifications (advisor_id, id);
