-- The three other kinds of request: takeover offers ('takeover_offer'),
-- buyer searches ('buyer_search') and difficulty reports ('difficulty').
--
-- A buyer search has no commune of its own, and no département when it
-- names only EPCI or none (nationwide): both columns become optional.
ALTER TABLE requests ALTER COLUMN commune_code DROP NOT NULL;
ALTER TABLE requests ALTER COLUMN departement DROP NOT NULL;
ALTER TABLE requests ADD CONSTRAINT requests_kind
    CHECK (kind IN ('creation', 'takeover_offer', 'buyer_search', 'difficulty'));

-- The self-diagnosis of a difficulty report, computed by intake's domain at
-- submission, with the questionnaire and thresholds that produced it, so
-- that a level can be explained after the configuration changed.
--
-- Sensitive: the details of a 'difficulty' request hold the applicant's free
-- text on the situation, which may describe the manager's health or private
-- life (GDPR art. 9 data), next to the contact details. They never leave
-- intake (events carry codes and the score only), are never logged, and the
-- status link shows only received/routed.
CREATE TABLE difficulty_assessments (
    request_id            uuid     PRIMARY KEY REFERENCES requests (request_id),
    questionnaire_version text     NOT NULL,
    score                 smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
    level                 text     NOT NULL CHECK (level IN ('none', 'vigilance', 'call_back')),
    vigilance_threshold   smallint NOT NULL,
    alert_threshold       smallint NOT NULL
);

-- The prevention cell looks for the reports that call for action.
CREATE INDEX difficulty_assessments_to_act ON difficulty_assessments (level) WHERE level <> 'none';
