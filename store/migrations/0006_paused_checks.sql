-- A paused server is checked again with backoff, and its admins are told once.
--   pause_checks   how many checks found the channel still unusable
--   next_check_at  when to look at the channel again (UTC)
--   admins_told    whether the admins were told about this pause
ALTER TABLE guild_settings ADD COLUMN pause_checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_settings ADD COLUMN next_check_at TEXT;
ALTER TABLE guild_settings ADD COLUMN admins_told INTEGER NOT NULL DEFAULT 0;
UPDATE guild_settings SET next_check_at = paused_at WHERE paused_reason IS NOT NULL;

-- An offset counted in calendar days (30d: the same wall-clock time in the deadline's zone) or an
-- exact duration (24h): the minutes alone cannot tell them apart.
ALTER TABLE guild_offsets ADD COLUMN by_day INTEGER NOT NULL DEFAULT 0;
UPDATE guild_offsets SET by_day = (minutes % 1440 = 0);
