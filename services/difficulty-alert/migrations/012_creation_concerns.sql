-- Prevention cases also open from a creation advisor's concern raised
-- between two post-creation checkpoints (creation.case.concern_raised).
-- Such a case is an advisor's observation made in a creation case, as a
-- checkpoint's difficulties are, but at no checkpoint; its kinds are the
-- concerns' codes, as a takeover advisor's concern's. An observation is
-- then one of three: a creation case and a checkpoint; a creation case
-- and its concerns, without a checkpoint; a takeover offer and its
-- concerns. Never an offer with a creation case.
--
-- The CHECK only widens: every row stored before passes it, and a
-- replica still running the previous release stores nothing it refuses
-- (rolling upgrade).
ALTER TABLE difficulty_cases DROP CONSTRAINT difficulty_cases_source_columns;
ALTER TABLE difficulty_cases ADD CONSTRAINT difficulty_cases_source_columns CHECK (CASE source
    WHEN 'self_report' THEN request_id IS NOT NULL AND score IS NOT NULL AND questionnaire_version IS NOT NULL
        AND routing_rule IS NOT NULL AND routing_reason IS NOT NULL AND creation_case_id IS NULL AND checkpoint IS NULL
        AND takeover_offer_id IS NULL
    WHEN 'advisor_observation' THEN request_id IS NOT NULL AND score IS NULL AND questionnaire_version IS NULL
        AND routing_rule IS NULL AND routing_reason IS NULL
        AND ((creation_case_id IS NOT NULL AND checkpoint IS NOT NULL AND takeover_offer_id IS NULL)
            OR (creation_case_id IS NOT NULL AND checkpoint IS NULL AND cardinality(kinds) > 0 AND takeover_offer_id IS NULL)
            OR (takeover_offer_id IS NOT NULL AND cardinality(kinds) > 0 AND creation_case_id IS NULL AND checkpoint IS NULL))
    ELSE siren IS NOT NULL AND creation_case_id IS NULL AND checkpoint IS NULL AND takeover_offer_id IS NULL
        AND questionnaire_version IS NULL AND routing_rule IS NULL AND routing_reason IS NULL
END);
