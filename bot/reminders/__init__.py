"""Deadline reminders: the schedule (what to post when) and the admin operations on it."""
