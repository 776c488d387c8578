-- Questions asked in channels: the channels where the bot answers every question it is sure of,
-- and which reply of the bot answers which message, with what that answer was about.

CREATE TABLE qa_channels (
    channel_id  INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    enabled_by  INTEGER,                    -- the admin who turned it on
    enabled_at  TEXT NOT NULL               -- UTC
);
CREATE INDEX qa_channels_guild ON qa_channels (guild_id);

-- One row per reply of the bot to a message: to edit or delete the reply when the question is
-- edited or deleted, and to answer a reply to it in its context (which survives a restart).
-- No foreign key to items: a seed reload may remove an item; the context is then simply gone.
CREATE TABLE answer_links (
    answer_id       INTEGER PRIMARY KEY,    -- the bot's message
    question_id     INTEGER NOT NULL,       -- the message it answers
    channel_id      INTEGER NOT NULL,
    guild_id        INTEGER,                -- NULL in a direct message
    author_id       INTEGER NOT NULL,       -- who asked (the question's author)
    via             TEXT NOT NULL CHECK (via IN ('mention', 'reply', 'dm', 'qa', 'menu')),
    kind            TEXT NOT NULL CHECK (kind IN ('answer', 'unknown', 'help', 'note')),
    item_id         TEXT,                   -- what the answer was about, for follow-ups
    partnership_id  TEXT,
    lang            TEXT NOT NULL CHECK (lang IN ('fr', 'en')),
    digest          TEXT NOT NULL,          -- of the question's text: an edit that changes it
    asked_at        TEXT NOT NULL           -- UTC
);
CREATE INDEX answer_links_question ON answer_links (question_id);
CREATE INDEX answer_links_asked ON answer_links (asked_at);
