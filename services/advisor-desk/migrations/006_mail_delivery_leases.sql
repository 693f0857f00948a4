-- E-mails are delivered by pkg/mailer: lease, send, record, so that a stop
-- between the SMTP send and its record never sends an e-mail twice. Their
-- delivery state moves to its queue (mail_queue, created by pkg/mailer's
-- own migration set, which runs before this one), under the same key;
-- mails keeps what an advisor's e-mail is about (advisor, kind, the
-- digest's period) and mail_items what it reports.
INSERT INTO mail_queue (key, status, attempts, next_attempt_at, last_error, created_at, sent_at)
SELECT dedup_key, status, attempts, next_attempt_at, last_error, created_at, sent_at FROM mails ORDER BY id;

-- Deferred: a service queues its row and pkg/mailer's in either order
-- within one transaction. Pruning the queue takes the e-mail and its
-- items along.
ALTER TABLE mails ADD CONSTRAINT mails_queued FOREIGN KEY (dedup_key) REFERENCES mail_queue (key)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;

DROP INDEX mails_due;
ALTER TABLE mails DROP COLUMN status, DROP COLUMN attempts, DROP COLUMN next_attempt_at,
    DROP COLUMN last_error, DROP COLUMN sent_at;
