-- The EPCI of the project's commune (from the routing), so that a
-- hand-back goes to an advisor whose territory holds the project, even
-- one narrowed to EPCIs. Cases opened before have none: they go by commune
-- and département.
ALTER TABLE creation_cases ADD COLUMN epci text;
