-- Prevention cases also open from a creation advisor's observation: at a
-- post-creation checkpoint the advisor saw difficulties
-- (creation.case.difficulty_seen). Such a case has no self-diagnosis (no
-- score, questionnaire nor intake routing of its own): those columns are
-- NULL for it, rather than filled with made-up values, and it names the
-- creation case and the checkpoint instead. The CHECK keeps each source's
-- columns whole.
--
-- Existing rows are all self reports: the column's default says so, and
-- stays, so that a replica still running the previous release (which
-- inserts self reports without naming the source) keeps inserting valid
-- rows during a rolling upgrade.
--
-- A request still has at most one case (request_id stays UNIQUE): a
-- second checkpoint with difficulties of the same creation case opens
-- nothing new.
ALTER TABLE difficulty_cases
    ADD COLUMN source           text NOT NULL DEFAULT 'self_report' CHECK (source IN ('self_report', 'advisor_observation')),
    ADD COLUMN creation_case_id uuid,
    -- The checkpoint's label ("6 mois", "1 an", "2 ans", "3 ans").
    ADD COLUMN checkpoint       text,
    ALTER COLUMN score DROP NOT NULL,
    ALTER COLUMN questionnaire_version DROP NOT NULL,
    ALTER COLUMN routing_rule DROP NOT NULL,
    ALTER COLUMN routing_reason DROP NOT NULL,
    ADD CONSTRAINT difficulty_cases_source_columns CHECK (CASE source
        WHEN 'self_report' THEN score IS NOT NULL AND questionnaire_version IS NOT NULL AND routing_rule IS NOT NULL
            AND routing_reason IS NOT NULL AND creation_case_id IS NULL AND checkpoint IS NULL
        ELSE creation_case_id IS NOT NULL AND checkpoint IS NOT NULL AND score IS NULL AND questionnaire_version IS NULL
            AND routing_rule IS NULL AND routing_reason IS NULL
    END);
