-- Knowledge: sources, items of four kinds, their terms, and the full-text index over them.

CREATE TABLE sources (
    id          TEXT PRIMARY KEY,
    document    TEXT NOT NULL,
    publisher   TEXT NOT NULL,
    published   TEXT NOT NULL,              -- ISO date
    language    TEXT NOT NULL,
    title_fr    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    url         TEXT,
    origin      TEXT NOT NULL CHECK (origin IN ('seed', 'admin'))
);

CREATE TABLE items (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('partnership', 'deadline', 'figure', 'fact')),
    title_fr        TEXT NOT NULL,
    title_en        TEXT NOT NULL,
    text_fr         TEXT NOT NULL,
    text_en         TEXT NOT NULL,
    source_id       TEXT REFERENCES sources (id),
    paragraph       INTEGER,
    quote           TEXT,
    link            TEXT,
    partnership_id  TEXT REFERENCES items (id) ON DELETE SET NULL,
    origin          TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
    guild_id        INTEGER,                -- NULL: shared by every server
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX items_kind ON items (kind);
CREATE INDEX items_partnership ON items (partnership_id);

CREATE TABLE item_terms (
    item_id     TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('alias', 'keyword')),
    position    INTEGER NOT NULL,
    term        TEXT NOT NULL,
    PRIMARY KEY (item_id, role, position)
);

CREATE TABLE partnerships (
    item_id         TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    announced       TEXT,                   -- ISO date
    programme_fr    TEXT NOT NULL DEFAULT '',
    programme_en    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE partnership_points (
    item_id     TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('party', 'theme', 'condition')),
    position    INTEGER NOT NULL,
    text_fr     TEXT NOT NULL,
    text_en     TEXT NOT NULL,
    PRIMARY KEY (item_id, role, position)
);

CREATE TABLE deadlines (
    item_id     TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    due_utc     TEXT NOT NULL,              -- ISO date-time in UTC, e.g. 2025-05-15T21:59:59+00:00
    timezone    TEXT NOT NULL,
    date_only   INTEGER NOT NULL CHECK (date_only IN (0, 1))
);
CREATE INDEX deadlines_due ON deadlines (due_utc);

CREATE TABLE figures (
    item_id     TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    value       REAL NOT NULL,
    value_max   REAL,
    unit        TEXT NOT NULL CHECK (unit IN ('%', 'USD', 'EUR', 'count', 'years')),
    unit_fr     TEXT NOT NULL DEFAULT '',
    unit_en     TEXT NOT NULL DEFAULT '',
    qualifier   TEXT NOT NULL CHECK (qualifier IN ('exact', 'more_than', 'at_least', 'about', 'up_to')),
    measures_fr TEXT NOT NULL,
    measures_en TEXT NOT NULL,
    as_of       TEXT                        -- ISO date
);

CREATE TABLE facts (
    item_id     TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    category    TEXT NOT NULL CHECK (category IN ('people', 'agreement', 'discussion', 'context'))
);

-- Normalised text of each item, written by the answer engine's normaliser.
CREATE VIRTUAL TABLE search_index USING fts5 (
    item_id UNINDEXED,
    names,
    keywords,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE search_vocab USING fts5vocab (search_index, 'row');

CREATE TABLE seed_loads (
    id          INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    items       INTEGER NOT NULL,
    loaded_at   TEXT NOT NULL
);

-- Names weigh most, then keywords, then the body text (the item_id column carries no weight).
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(0.0, 8.0, 4.0, 1.0)');
