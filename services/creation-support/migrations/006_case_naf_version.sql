-- The nomenclature of the case's NAF code ("NAFRev2"), from intake's
-- event, so that the events that pass the activity on (a difficulty seen
-- at a post-creation checkpoint) name it: a code alone becomes ambiguous
-- once a new nomenclature is in use. Cases opened before have none.
ALTER TABLE creation_cases ADD COLUMN naf_version text;
