-- Fenced claims: every write about a claimed reminder names the claim it belongs to.
--   claim_token       a new random value at each claim or takeover; writes match it
--   lease_until       when another process may take the claim over (renewed during a send)
--   first_attempt_at  when a post that may have reached Discord was first tried; cleared when
--                     Discord answered that nothing was posted (403, 404, 429)
ALTER TABLE reminders ADD COLUMN claim_token TEXT;
ALTER TABLE reminders ADD COLUMN lease_until TEXT;
ALTER TABLE reminders ADD COLUMN first_attempt_at TEXT;
UPDATE reminders SET lease_until = claimed_at WHERE state = 'claimed';
CREATE INDEX reminders_guild_state ON reminders (guild_id, state);
