-- The index gains a field of its own for the questions each item answers (its ways of asking),
-- weighed apart from its names and text. The index is built again: forget the last seed load so
-- that the next start indexes every item, admin ones included.
DROP TABLE search_vocab;
DROP TABLE search_index;
CREATE VIRTUAL TABLE search_index USING fts5 (
    item_id UNINDEXED,
    names,
    keywords,
    body,
    questions,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE search_vocab USING fts5vocab (search_index, 'row');
-- Rank by bm25 with a weight per column: item_id, names, keywords, body, questions.
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(0.0, 3.0, 2.0, 1.0, 1.5)');
DELETE FROM seed_loads;
