-- Every read of confidential data (a difficulty case, an applicant's
-- contact details), recorded before the data leaves the service, for the
-- managers of the chambers concerned. Append-only: a trigger refuses
-- updates, deletions and truncation.
CREATE TABLE audit_log (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor_id      text        NOT NULL,
    actor_chamber text        NOT NULL,
    action        text        NOT NULL,
    resource      text        NOT NULL,
    resource_id   text        NOT NULL,
    chambers      text[]      NOT NULL,
    trace_id      text        NOT NULL
);

CREATE INDEX audit_log_resource ON audit_log (resource_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
