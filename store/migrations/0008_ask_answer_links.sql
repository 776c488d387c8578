-- /ask answers publicly: a reply to its answer is a follow-up, asked in that answer's context.
-- Its link names the interaction as the question (there is no question message) and 'ask' as the
-- way it came. SQLite cannot change a CHECK constraint: the table is rebuilt, rows kept.

CREATE TABLE answer_links_new (
    answer_id       INTEGER PRIMARY KEY,    -- the bot's message
    question_id     INTEGER NOT NULL,       -- the message it answers (/ask: the interaction)
    channel_id      INTEGER NOT NULL,
    guild_id        INTEGER,                -- NULL in a direct message
    author_id       INTEGER NOT NULL,       -- who asked (the question's author)
    via             TEXT NOT NULL CHECK (via IN ('mention', 'reply', 'dm', 'qa', 'menu', 'ask')),
    kind            TEXT NOT NULL CHECK (kind IN ('answer', 'unknown', 'help', 'note')),
    item_id         TEXT,                   -- what the answer was about, for follow-ups
    partnership_id  TEXT,
    lang            TEXT NOT NULL CHECK (lang IN ('fr', 'en')),
    digest          TEXT NOT NULL,          -- of the question's text: an edit that changes it
    asked_at        TEXT NOT NULL           -- UTC
);
INSERT INTO answer_links_new (answer_id, question_id, channel_id, guild_id, author_id, via, kind,
                              item_id, partnership_id, lang, digest, asked_at)
    SELECT answer_id, question_id, channel_id, guild_id, author_id, via, kind,
           item_id, partnership_id, lang, digest, asked_at
    FROM answer_links;
DROP TABLE answer_links;
ALTER TABLE answer_links_new RENAME TO answer_links;
CREATE INDEX answer_links_question ON answer_links (question_id);
CREATE INDEX answer_links_asked ON answer_links (asked_at);
