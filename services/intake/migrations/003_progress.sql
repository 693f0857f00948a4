-- Where a request stands downstream: the chamber that holds its case now
-- (it may differ from the routing decision after a hand-back) and the time
-- of the last chamber event applied, so that a late event never moves a
-- request backwards.
ALTER TABLE requests
    ADD COLUMN case_chamber text,
    ADD COLUMN progress_at  timestamptz;

-- The advisors a case is assigned to, from the chambers' events: with the
-- routed chambers they decide who may read the applicant's contact details.
ALTER TABLE requests ADD COLUMN advisor_ids text[] NOT NULL DEFAULT '{}';

