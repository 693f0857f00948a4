-- Signals: the signs of difficulty gathered about a business, on which
-- scoring will stand. The first source stored is the BODACC (official
-- notices of collective procedures, bulletin A); self reports, advisors'
-- observations and partners' signals will follow in this table.
--
-- The SIREN lives here and in no other service (events never carry it):
-- a signal names a business, the establishment too (SIRET) when it
-- concerns one, and counts for the business.
--
-- A signal is idempotent by its source's reference (for the BODACC, the
-- notice's bulletin and number): a rectification replaces the earlier
-- notice's signal (status replaced, replaced_by), a cancellation withdraws
-- it (status withdrawn); neither is deleted, so that a score can be
-- explained afterwards.
CREATE TABLE signals (
    signal_id   uuid PRIMARY KEY,
    source      text NOT NULL CHECK (source IN ('self_report', 'advisor_observation', 'bodacc', 'partner')),
    kind        text NOT NULL,
    theme       text NOT NULL CHECK (theme IN ('finances', 'social_tax_debts', 'payments', 'court_events', 'self_assessment')),
    siren       char(9) NOT NULL CHECK (siren ~ '^[0-9]{9}$'),
    siret       char(14) CHECK (siret ~ '^[0-9]{14}$' AND left(siret, 9) = siren),
    occurred_on date NOT NULL,
    strength    int NOT NULL CHECK (strength BETWEEN 1 AND 100),
    expires_on  date NOT NULL CHECK (expires_on > occurred_on),
    source_ref  text NOT NULL,
    -- Court events only: the judgment's procedure and court.
    procedure   text CHECK (procedure IN ('sauvegarde', 'redressement_judiciaire', 'liquidation_judiciaire', 'plan', 'cloture', 'other')),
    court       text,
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'replaced', 'withdrawn')),
    replaced_by uuid REFERENCES signals (signal_id),
    recorded_at timestamptz NOT NULL,
    ended_at    timestamptz,
    UNIQUE (source, source_ref),
    CHECK ((procedure IS NOT NULL) = (theme = 'court_events')),
    CHECK ((status = 'active') = (ended_at IS NULL))
);

CREATE INDEX signals_siren ON signals (siren, occurred_on DESC);

-- Every BODACC notice applied, whatever its type: importing a notice
-- twice (the same file, or overlapping exports) changes nothing, a
-- cancellation included, which has no signal of its own.
CREATE TABLE bodacc_notices (
    notice_ref  text PRIMARY KEY,
    notice_type text NOT NULL CHECK (notice_type IN ('annonce', 'rectificatif', 'annulation')),
    previous_ref text,
    siren       char(9) NOT NULL,
    published_on date NOT NULL,
    applied_at  timestamptz NOT NULL
);

-- A business's court state: the procedure of its latest judgment still in
-- force (active signal), shown as such rather than hidden in a score. No
-- row when no judgment is in force.
CREATE TABLE business_court_states (
    siren      char(9) PRIMARY KEY,
    procedure  text NOT NULL CHECK (procedure IN ('sauvegarde', 'redressement_judiciaire', 'liquidation_judiciaire', 'plan', 'cloture', 'other')),
    since      date NOT NULL,
    signal_id  uuid NOT NULL REFERENCES signals (signal_id),
    updated_at timestamptz NOT NULL
);
