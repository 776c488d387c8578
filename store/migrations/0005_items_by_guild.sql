-- What one server sees is found by index, not by a scan of every item (the plan of 100 servers
-- at start-up read all items once per server).
CREATE INDEX items_guild ON items (guild_id);
