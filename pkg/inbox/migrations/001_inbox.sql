-- Events a consumer has already applied. The handler's writes and this row
-- commit together, so a redelivered event is recognised and changes nothing.
CREATE TABLE inbox (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE INDEX inbox_received ON inbox (received_at);
