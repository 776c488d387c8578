-- The scheduler asks after every send when something is next due. Pending reminders waiting for
-- a retry are few: found by this index, the others in due order by reminders_next, instead of a
-- scan of every pending reminder (36 ms at 40,000).
CREATE INDEX reminders_retry ON reminders (retry_at) WHERE state = 'pending' AND retry_at IS NOT NULL;
