-- Passwords of the web desk's sign-in (development: the demo advisors'),
-- as bcrypt hashes; never the password itself.
CREATE TABLE advisor_credentials (
    advisor_id    text        PRIMARY KEY REFERENCES advisors (advisor_id),
    password_hash text        NOT NULL,
    updated_at    timestamptz NOT NULL
);

-- The inbox page counts and filters unread notifications.
CREATE INDEX notifications_unread ON notifications (advisor_id, id) WHERE read_at IS NULL;
