-- Reminders: each server's settings, the planned reminders and their state, and the audit log.

CREATE TABLE guild_settings (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER,                -- where reminders go; NULL: reminders off
    role_id         INTEGER,                -- the only mention the bot may make, opt-in
    timezone        TEXT NOT NULL DEFAULT 'Europe/Paris',
    language        TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('fr', 'en')),
    configured_at   TEXT,                   -- when the channel was last set: nothing older is posted
    paused_reason   TEXT CHECK (paused_reason IN ('channel_missing', 'no_permission')),
    paused_at       TEXT,
    updated_at      TEXT NOT NULL
);

CREATE TABLE guild_offsets (
    guild_id    INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    PRIMARY KEY (guild_id, minutes)
);

-- One row per reminder to post: a deadline, a server, an offset before the deadline.
CREATE TABLE reminders (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL REFERENCES guild_settings (guild_id) ON DELETE CASCADE,
    item_id         TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    offset_minutes  INTEGER NOT NULL,
    due_at          TEXT NOT NULL,          -- UTC
    deadline_at     TEXT NOT NULL,          -- UTC, the deadline this reminder is for
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'claimed', 'sent', 'skipped', 'failed')),
    claimed_by      TEXT,
    claimed_at      TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    retry_at        TEXT,                   -- not before this, after a transient failure
    channel_id      INTEGER,
    message_id      INTEGER,
    sent_at         TEXT,
    late            INTEGER NOT NULL DEFAULT 0,
    note            TEXT,
    UNIQUE (guild_id, item_id, offset_minutes, deadline_at)
);
CREATE INDEX reminders_next ON reminders (state, due_at);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER,
    user_id     INTEGER,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    item_id     TEXT,
    details     TEXT NOT NULL               -- what changed, as readable text
);
CREATE INDEX audit_log_guild ON audit_log (guild_id, at);
