-- The prevention case's lifecycle: opened, taken in charge by a prevention
-- advisor (or a member of the prevention cell, who then joins the assigned
-- advisors), closed with a reason; and the actions taken on it, each with
-- its outcome.
--
-- A case closes; the business may struggle again: a request (and a
-- business) has at most one case that is not closed, not one for ever.
-- request_id becomes unique among open cases only, and nullable: a case
-- opened by a risk level (source score) comes from no intake request.
--
-- The SIREN of the business joins the case (filled when a score opens it)
-- so that a business has at most one open case. It stays in this service:
-- no event carries it, and only the case's assigned advisors and the
-- prevention cell of its chambers read it.
ALTER TABLE difficulty_cases
    ADD COLUMN taken_at     timestamptz,
    -- The advisor who took the case in charge.
    ADD COLUMN taken_by     text,
    ADD COLUMN closed_at    timestamptz,
    -- The advisor who closed it, or 'system' when a court event closed it.
    ADD COLUMN closed_by    text,
    ADD COLUMN close_reason text CHECK (close_reason IN ('recovered', 'procedure_opened', 'business_closed', 'declined_by_owner')),
    ADD COLUMN siren        char(9) CHECK (siren ~ '^[0-9]{9}$'),
    ALTER COLUMN request_id DROP NOT NULL,
    ADD CONSTRAINT difficulty_cases_status CHECK (status IN ('opened', 'taken_in_charge', 'closed')),
    -- Each status has its columns whole: taken in charge names who and
    -- when; closed names who, when and why (a case may close without
    -- having been taken in charge: a liquidation, an owner declining).
    ADD CONSTRAINT difficulty_cases_lifecycle CHECK (
        (taken_at IS NULL) = (taken_by IS NULL)
        AND (status = 'opened') <= (taken_at IS NULL)
        AND (status = 'taken_in_charge') <= (taken_at IS NOT NULL)
        AND (status = 'closed') = (closed_at IS NOT NULL)
        AND (closed_at IS NULL) = (closed_by IS NULL)
        AND (closed_at IS NULL) = (close_reason IS NULL));

-- Cases opened by a risk level (source score): the scoring names the
-- business (siren), not a request. Constraint names as 004 left them.
ALTER TABLE difficulty_cases DROP CONSTRAINT difficulty_cases_source_check;
ALTER TABLE difficulty_cases ADD CONSTRAINT difficulty_cases_source_check
    CHECK (source IN ('self_report', 'advisor_observation', 'score'));
ALTER TABLE difficulty_cases DROP CONSTRAINT difficulty_cases_source_columns;
ALTER TABLE difficulty_cases ADD CONSTRAINT difficulty_cases_source_columns CHECK (CASE source
    WHEN 'self_report' THEN request_id IS NOT NULL AND score IS NOT NULL AND questionnaire_version IS NOT NULL
        AND routing_rule IS NOT NULL AND routing_reason IS NOT NULL AND creation_case_id IS NULL AND checkpoint IS NULL
    WHEN 'advisor_observation' THEN request_id IS NOT NULL AND creation_case_id IS NOT NULL AND checkpoint IS NOT NULL
        AND score IS NULL AND questionnaire_version IS NULL AND routing_rule IS NULL AND routing_reason IS NULL
    ELSE siren IS NOT NULL AND creation_case_id IS NULL AND checkpoint IS NULL AND questionnaire_version IS NULL
        AND routing_rule IS NULL AND routing_reason IS NULL
END);

-- One open case a request, one open case a business; closed ones are kept.
ALTER TABLE difficulty_cases DROP CONSTRAINT difficulty_cases_request_id_key;
CREATE UNIQUE INDEX difficulty_cases_open_request ON difficulty_cases (request_id) WHERE status <> 'closed';
CREATE UNIQUE INDEX difficulty_cases_open_siren ON difficulty_cases (siren) WHERE status <> 'closed';
CREATE INDEX difficulty_cases_request ON difficulty_cases (request_id);

-- The actions taken on a case: a call, a meeting, a referral (the commercial
-- court's prevention unit, a prevention centre, the credit mediator, the
-- CCSF, psychological support for the owner). Each has its date, the
-- advisor, an outcome code and the advisor's account of it (bounded; it
-- stays here: events carry the codes only).
CREATE TABLE case_actions (
    action_id    uuid        PRIMARY KEY,
    case_id      uuid        NOT NULL REFERENCES difficulty_cases (case_id),
    kind         text        NOT NULL CHECK (kind IN ('call', 'meeting', 'referral_court_prevention',
        'referral_prevention_centre', 'referral_credit_mediator', 'referral_ccsf', 'psychological_support')),
    occurred_on  date        NOT NULL,
    advisor_id   text        NOT NULL,
    outcome      text        NOT NULL CHECK (outcome IN ('done', 'follow_up', 'declined', 'no_answer')),
    outcome_text text        NOT NULL DEFAULT '' CHECK (char_length(outcome_text) <= 2000),
    recorded_at  timestamptz NOT NULL
);

CREATE INDEX case_actions_case ON case_actions (case_id, occurred_on, recorded_at);
