-- Where a creation request stands in the chambers' creation journey (the
-- stage code of creation.case.stage_changed) and how it ended (the outcome
-- code of creation.case.registered, closed or redirected_to_takeover), for
-- the applicant's status page.
ALTER TABLE requests
    ADD COLUMN stage   text,
    ADD COLUMN outcome text;
