-- Prevention cases also open from a takeover advisor's concern: following
-- the sale of a business, the advisor saw it in difficulty
-- (takeover.offer.difficulty_seen). Such a case is an advisor's
-- observation too (source advisor_observation, level call_back, no
-- self-diagnosis), but it names the takeover offer instead of a creation
-- case and a checkpoint; its kinds are the concerns' codes. An
-- observation names one or the other, never both.
--
-- The column is nullable and the observations stored before it all name
-- their creation case, so they pass the new CHECK; a replica still
-- running the previous release inserts creation observations without the
-- column, which pass too (rolling upgrade).
ALTER TABLE difficulty_cases ADD COLUMN takeover_offer_id uuid;
ALTER TABLE difficulty_cases DROP CONSTRAINT difficulty_cases_source_columns;
ALTER TABLE difficulty_cases ADD CONSTRAINT difficulty_cases_source_columns CHECK (CASE source
    WHEN 'self_report' THEN request_id IS NOT NULL AND score IS NOT NULL AND questionnaire_version IS NOT NULL
        AND routing_rule IS NOT NULL AND routing_reason IS NOT NULL AND creation_case_id IS NULL AND checkpoint IS NULL
        AND takeover_offer_id IS NULL
    WHEN 'advisor_observation' THEN request_id IS NOT NULL AND score IS NULL AND questionnaire_version IS NULL
        AND routing_rule IS NULL AND routing_reason IS NULL
        AND ((creation_case_id IS NOT NULL AND checkpoint IS NOT NULL AND takeover_offer_id IS NULL)
            OR (takeover_offer_id IS NOT NULL AND cardinality(kinds) > 0 AND creation_case_id IS NULL AND checkpoint IS NULL))
    ELSE siren IS NOT NULL AND creation_case_id IS NULL AND checkpoint IS NULL AND takeover_offer_id IS NULL
        AND questionnaire_version IS NULL AND routing_rule IS NULL AND routing_reason IS NULL
END);
