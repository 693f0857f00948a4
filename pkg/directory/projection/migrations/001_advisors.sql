-- Projection of advisor-desk's directory (advisor.directory.updated
-- events): what assignment reads, and the load (open_cases) that the
-- service counts against capacity.
--
-- Each service used to create this table in its own migrations, so on
-- their databases it exists already: IF NOT EXISTS leaves it and its rows
-- as they are, and the index is made again because difficulty-alert's was
-- not the same as the others'.
CREATE TABLE IF NOT EXISTS advisors (
    advisor_id   text        PRIMARY KEY,
    revision     bigint      NOT NULL,
    chamber      text        NOT NULL,
    departements text[]      NOT NULL,
    specialities text[]      NOT NULL,
    capacity     integer     NOT NULL,
    active       boolean     NOT NULL,
    open_cases   integer     NOT NULL DEFAULT 0,
    updated_at   timestamptz NOT NULL
);

-- Absence, the territory narrowed to communes or EPCIs, and roles.
ALTER TABLE advisors
    ADD COLUMN IF NOT EXISTS absent_until timestamptz,
    ADD COLUMN IF NOT EXISTS communes     text[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS epcis        text[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS roles        text[] NOT NULL DEFAULT '{}';

DROP INDEX IF EXISTS advisors_assignable;
CREATE INDEX advisors_assignable ON advisors (chamber, open_cases) WHERE active;
