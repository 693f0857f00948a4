-- Directory management: territory narrowed to communes and EPCIs, and
-- absences. The domain bounds every value; these checks are the last guard.
ALTER TABLE advisors
    ADD COLUMN communes     text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN epcis        text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN absent_until timestamptz,
    ADD CONSTRAINT advisors_capacity_bound CHECK (capacity <= 500),
    ADD CONSTRAINT advisors_territory CHECK (cardinality(departements) BETWEEN 1 AND 20);
