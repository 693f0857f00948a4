-- The directory events now carry roles, absences and a territory narrowed
-- to communes or EPCIs: assignment needs all of them. (No row predates
-- this: the table stayed empty until the service consumed the directory.)
ALTER TABLE advisors
    ADD COLUMN roles        text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN communes     text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN epcis        text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN absent_until timestamptz;

CREATE INDEX advisors_assignable ON advisors (chamber) WHERE active;
