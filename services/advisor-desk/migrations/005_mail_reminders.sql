-- E-mail of notifications and durable reminders of cases not taken in charge.

-- How an advisor wants their notifications by e-mail: one e-mail each, a
-- daily digest, or none. No row: the service's default (MAIL_DEFAULT_MODE).
CREATE TABLE mail_preferences (
    advisor_id text        PRIMARY KEY REFERENCES advisors (advisor_id),
    mode       text        NOT NULL CHECK (mode IN ('each', 'digest', 'none')),
    updated_at timestamptz NOT NULL
);

-- E-mails to send. dedup_key makes each one once-only: 'n:<notification_id>'
-- for a notification's own e-mail, 'digest:<advisor>:<date>' for a digest.
-- The message is composed when sent, from the advisor's current address and
-- the notifications listed in mail_items: no address or text is copied here.
CREATE TABLE mails (
    id              bigserial   PRIMARY KEY,
    dedup_key       text        NOT NULL UNIQUE,
    advisor_id      text        NOT NULL REFERENCES advisors (advisor_id),
    kind            text        NOT NULL CHECK (kind IN ('each', 'digest')),
    status          text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    -- covers_until: a digest reports notifications created before it.
    covers_until    timestamptz,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz
);

CREATE INDEX mails_due ON mails (next_attempt_at) WHERE status = 'pending';
CREATE INDEX mails_digests ON mails (advisor_id, covers_until) WHERE kind = 'digest';

-- Which e-mail reports a notification: at most one, whatever the mode.
-- Pruning notifications or e-mails takes their items along.
CREATE TABLE mail_items (
    notification_id bigint PRIMARY KEY REFERENCES notifications (id) ON DELETE CASCADE,
    mail_id         bigint NOT NULL REFERENCES mails (id) ON DELETE CASCADE
);

CREATE INDEX mail_items_mail ON mail_items (mail_id);

-- The reminder state of each followed case (a creation case, a takeover
-- offer or search): as_of is the time of the last case event applied, so a
-- late or repeated event never undoes a newer one; generation counts the
-- hand-overs, each restarting the reminders.
CREATE TABLE reminder_cases (
    case_kind  text        NOT NULL,
    case_id    text        NOT NULL,
    as_of      timestamptz, -- NULL: created by a concurrent first event, not applied yet
    taken      boolean     NOT NULL,
    generation integer     NOT NULL,
    PRIMARY KEY (case_kind, case_id)
);

-- Durable reminder timers, one row per stage and generation of a case.
-- A job claims due pending rows (FOR UPDATE SKIP LOCKED) and fires them in
-- the transaction that stores their notifications.
CREATE TABLE reminder_timers (
    id          bigserial   PRIMARY KEY,
    case_kind   text        NOT NULL,
    case_id     text        NOT NULL,
    generation  integer     NOT NULL,
    stage       text        NOT NULL CHECK (stage IN ('reminder', 'last_reminder', 'escalation')),
    chamber     text        NOT NULL,
    departement text        NOT NULL,
    advisor_id  text        NOT NULL,
    started_at  timestamptz NOT NULL,
    due_at      timestamptz NOT NULL,
    status      text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'cancelled')),
    fired_at    timestamptz,
    recipients  integer,
    UNIQUE (case_kind, case_id, generation, stage),
    FOREIGN KEY (case_kind, case_id) REFERENCES reminder_cases (case_kind, case_id)
);

CREATE INDEX reminder_timers_due ON reminder_timers (due_at) WHERE status = 'pending';
CREATE INDEX reminder_timers_case ON reminder_timers (case_kind, case_id) WHERE status = 'pending';
