-- A service's e-mails to send, once each. The key is the service's own
-- (e.g. 'n:<notification id>'): it makes queueing idempotent, names the
-- e-mail in logs and derives its Message-ID, so it holds no personal data.
-- The message itself is composed when sent, from the service's tables: no
-- address or text is copied here.
--
-- status: pending (due at next_attempt_at), sending (leased to
-- lease_owner until next_attempt_at), sent, failed, skipped. A sending row
-- whose lease has expired is due again: its mailer was killed mid-send.
CREATE TABLE mail_queue (
    id              bigserial   PRIMARY KEY,
    key             text        NOT NULL UNIQUE,
    status          text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_owner     text,
    last_error      text,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz
);

CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at, id) WHERE status IN ('pending', 'sending');
CREATE INDEX mail_queue_done ON mail_queue (created_at) WHERE status IN ('sent', 'failed', 'skipped');
