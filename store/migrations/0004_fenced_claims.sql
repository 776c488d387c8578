-- Fenced claims: every write about a claimed reminder names the claim it belongs to.
--   claim_token         a new random value at each claim or takeover; writes match it
--   lease_until         when another process may take the claim over (renewed during a send)
--   attempt_started_at  when the post under way started: if its sender dies, it may have posted
--   first_attempt_at    when a post that may have reached Discord was first tried (a 5xx, a
--                       time-out, a sender that died mid-send); a later "nothing was posted"
--                       (403, 404, 429) speaks only for its own attempt and keeps it
--   nonce               the reminder's own nonce, random: a new row never reuses the nonce of a
--                       deleted one (row ids are reused)
ALTER TABLE reminders ADD COLUMN claim_token TEXT;
ALTER TABLE reminders ADD COLUMN lease_until TEXT;
ALTER TABLE reminders ADD COLUMN attempt_started_at TEXT;
ALTER TABLE reminders ADD COLUMN first_attempt_at TEXT;
ALTER TABLE reminders ADD COLUMN nonce TEXT;
UPDATE reminders SET lease_until = claimed_at, attempt_started_at = claimed_at
WHERE state = 'claimed';
UPDATE reminders SET nonce = 'reminder-' || id;
CREATE INDEX reminders_guild_state ON reminders (guild_id, state);
