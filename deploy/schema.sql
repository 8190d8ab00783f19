-- The tables dynbatch writes. The job creates them itself if absent (DatabaseSchema); this file is
-- for DBAs who provision them up front. Table names are configurable (--table, --dead-letter-table).

-- Per-minute totals, written as absolute values with a monotone guard (replay-safe).
CREATE TABLE IF NOT EXISTS click_totals (
    page        text        NOT NULL,
    event_type  text        NOT NULL,
    minute      timestamptz NOT NULL,
    events      bigint      NOT NULL CHECK (events >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (page, event_type, minute)
);

-- Every record the job refused, with why (payload truncated to 2048 chars).
CREATE TABLE IF NOT EXISTS dead_letters (
    id              bigserial   PRIMARY KEY,
    reason          text        NOT NULL,
    detail          text,
    payload         text,
    payload_length  integer     NOT NULL,
    refused_at      timestamptz NOT NULL,
    events          bigint      NOT NULL DEFAULT 1,  -- events it stands for (a rejected row: its count)
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
