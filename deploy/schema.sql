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

-- Every record the job refused, with why (payload truncated to 2048 chars). A dead letter that stands
-- for input records has a replay-stable dedupe_key (its source position, or late:<event_id>:<ingest_ts>),
-- so it is recorded once after failovers (INSERT ... ON CONFLICT (dedupe_key) DO NOTHING); rows the
-- database rejected have none (NULL never conflicts: at-least-once). Texts PostgreSQL cannot store
-- (NUL, unpaired surrogates) are escaped (\uXXXX, backslashes doubled) and the *_encoding columns say
-- so: text, escaped, or hex (a payload that was not UTF-8). arm: the A/B arm of a dead letter only that
-- arm produced (a rejected row), NULL for every arm's input. See docs/bad-input.md.
CREATE TABLE IF NOT EXISTS dead_letters (
    id               bigserial   PRIMARY KEY,
    reason           text        NOT NULL,
    detail           text,
    payload          text,
    payload_length   integer     NOT NULL,
    refused_at       timestamptz NOT NULL,
    events           bigint      NOT NULL DEFAULT 1,  -- events it stands for (a rejected row: its count)
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    dedupe_key       text,
    payload_encoding text        NOT NULL DEFAULT 'text',
    detail_encoding  text        NOT NULL DEFAULT 'text',
    arm              text
);
-- Upgrades a table created before these columns (the job does the same at start-up).
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS dedupe_key text;
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS payload_encoding text NOT NULL DEFAULT 'text';
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS detail_encoding text NOT NULL DEFAULT 'text';
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS arm text;
CREATE UNIQUE INDEX IF NOT EXISTS dead_letters_dedupe_key ON dead_letters (dedupe_key);
