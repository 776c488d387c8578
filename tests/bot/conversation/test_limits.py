"""Rate limits: a burst per user, a channel never shut for long, one note per burst."""

from __future__ import annotations

from bot.conversation.limits import CHANNEL_BURST, SWEEP_EVERY, USER_EVERY, RateLimits


class Seconds:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_six_questions_in_two_seconds_gets_three_answers():
    clock = Seconds()
    limits = RateLimits(clock)
    verdicts = []
    for _ in range(6):
        verdicts.append(limits.admit(user_id=1, channel_id=10))
        clock.now += 0.4
    assert [v.allowed for v in verdicts] == [True, True, True, False, False, False]
    assert [v.note for v in verdicts] == [False, False, False, True, False, False]


def test_the_user_gets_answers_again_after_a_pause_and_a_new_note_after():
    clock = Seconds()
    limits = RateLimits(clock)
    for _ in range(4):
        limits.admit(1, 10)
    clock.now += 5
    assert limits.admit(1, 10).allowed
    refused = limits.admit(1, 10)
    assert not refused.allowed and refused.note  # a new burst, a new note


def test_a_busy_channel_still_answers_another_member_after_a_quiet_moment():
    clock = Seconds()
    limits = RateLimits(clock)
    for user in range(CHANNEL_BURST):
        assert limits.admit(user, 10).allowed
    assert not limits.admit(99, 10).allowed  # five answers at once: the channel is full
    assert limits.admit(99, 11).allowed  # another channel is not
    clock.now += 3
    assert limits.admit(98, 10).allowed


def test_a_channel_is_never_stricter_than_three_answers_in_ten_seconds():
    clock = Seconds()
    limits = RateLimits(clock)
    answered = 0
    for step in range(100):  # a new member asks every tenth of a second for ten seconds
        answered += limits.admit(step, 10).allowed
        clock.now += 0.1
    assert answered >= 3


def test_a_refused_question_takes_nothing():
    clock = Seconds()
    limits = RateLimits(clock)
    for user in range(CHANNEL_BURST):
        limits.admit(user, 10)
    for _ in range(10):
        assert not limits.admit(1, 10).allowed
    clock.now += 2
    assert limits.admit(1, 10).allowed  # the refusals did not use the user's own answers


def test_edits_count_against_their_author_only():
    clock = Seconds()
    limits = RateLimits(clock)
    for _ in range(5):
        limits.charge_edit(1)  # always followed, never refused
    assert not limits.admit(1, 10).allowed
    assert limits.admit(2, 10).allowed
    clock.now += USER_EVERY  # the bucket never went below empty: one answer a period later
    assert limits.admit(1, 10).allowed


def test_buckets_that_are_full_again_are_forgotten():
    clock = Seconds()
    limits = RateLimits(clock)
    for user in range(SWEEP_EVERY - 1):
        limits.admit(user, user)
        clock.now += 100
    assert len(limits.users) == SWEEP_EVERY - 1
    limits.admit(0, 0)
    assert len(limits.users) <= 1 and len(limits.channels) <= 1
