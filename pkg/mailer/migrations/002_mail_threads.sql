-- A thread is the e-mails of one subject: the second field of their key
-- ('step:<request id>:...' for an intake request; 'n:<notification id>'
-- is a thread of its own). An e-mail is not due while an older one of
-- its thread is due or being sent, so that parallel workers never send an
-- applicant the assignment before the receipt. This index finds them.
CREATE INDEX mail_queue_threads ON mail_queue (split_part(key, ':', 2), id) WHERE status IN ('pending', 'sending');
