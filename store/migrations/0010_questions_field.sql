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
DELETE FROM seed_loads;
