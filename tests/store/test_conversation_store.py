"""Q&A channels and the links from questions to the bot's replies, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store import answer_links, qa_channels
from store.answer_links import AnswerLink
from store.db import Store
from store.qa_channels import QaChannel

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def link(answer_id: int, question_id: int, **changes) -> AnswerLink:
    fields = {
        "answer_id": answer_id,
        "question_id": question_id,
        "channel_id": 10,
        "guild_id": 1,
        "author_id": 7,
        "via": "mention",
        "kind": "answer",
        "lang": "fr",
        "digest": "abc",
        "asked_at": NOW,
        "item_id": "us-tw-eppd-leaders",
        "partnership_id": "us-tw-eppd",
    }
    fields.update(changes)
    return AnswerLink(**fields)


async def test_a_qa_channel_is_turned_on_once_and_off_once(store: Store):
    async with store.transaction(bump=False) as conn:
        assert await qa_channels.enable(conn, QaChannel(10, 1, 7, NOW))
        assert not await qa_channels.enable(conn, QaChannel(10, 1, 8, NOW + timedelta(hours=1)))
        assert await qa_channels.enable(conn, QaChannel(11, 1, 7, NOW))
        assert await qa_channels.enable(conn, QaChannel(20, 2, 7, NOW))
    found = await qa_channels.for_guild(store.conn, 1)
    assert [(c.channel_id, c.enabled_by, c.enabled_at) for c in found] == [
        (10, 7, NOW),
        (11, 7, NOW),
    ]
    assert await qa_channels.all_ids(store.conn) == {10, 11, 20}
    async with store.transaction(bump=False) as conn:
        assert not await qa_channels.disable(conn, 2, 10)  # another server's channel
        assert await qa_channels.disable(conn, 1, 10)
        assert not await qa_channels.disable(conn, 1, 10)
        assert await qa_channels.forget_channel(conn, 11)
        await qa_channels.forget_guild(conn, 2)
    assert await qa_channels.all_ids(store.conn) == set()


async def test_links_keep_what_an_answer_was_about_across_reopening(tmp_path):
    path = tmp_path / "links.sqlite3"
    async with Store.open(path) as store, store.transaction(bump=False) as conn:
        await answer_links.record(conn, link(100, 50))
        await answer_links.record(conn, link(101, 50, via="menu", author_id=8, guild_id=None))
    async with Store.open(path) as store:
        assert await answer_links.by_answer(store.conn, 100) == link(100, 50)
        assert [found.answer_id for found in await answer_links.by_question(store.conn, 50)] == [
            100,
            101,
        ]
        assert (await answer_links.by_answer(store.conn, 101)).guild_id is None
        assert await answer_links.by_answer(store.conn, 50) is None


async def test_a_public_ask_answer_is_kept_like_the_others(store):
    async with store.transaction(bump=False) as conn:
        await answer_links.record(conn, link(100, 50, via="ask"))
    assert (await answer_links.by_answer(store.conn, 100)).via == "ask"


async def test_an_edited_reply_keeps_its_row_with_what_it_now_says(store: Store):
    async with store.transaction(bump=False) as conn:
        await answer_links.record(conn, link(100, 50))
        await answer_links.record(
            conn,
            link(100, 50, kind="unknown", item_id=None, partnership_id=None, digest="new"),
        )
    found = await answer_links.by_answer(store.conn, 100)
    assert (found.kind, found.item_id, found.digest, found.asked_at) == (
        "unknown",
        None,
        "new",
        NOW,
    )


async def test_links_are_deleted_pruned_and_forgotten(store: Store):
    async with store.transaction(bump=False) as conn:
        await answer_links.record(conn, link(100, 50, asked_at=NOW - timedelta(days=100)))
        await answer_links.record(conn, link(101, 51, asked_at=NOW - timedelta(days=1)))
        await answer_links.record(conn, link(102, 52, channel_id=11))
        await answer_links.record(conn, link(103, 53, guild_id=2, channel_id=20))
        await answer_links.record(conn, link(104, 54))
        assert await answer_links.prune(conn, NOW - timedelta(days=90)) == 1
        await answer_links.delete(conn, [101])
        await answer_links.forget_channel(conn, 11)
        await answer_links.forget_guild(conn, 2)
    left = [await answer_links.by_answer(store.conn, i) for i in range(100, 105)]
    assert [found.answer_id for found in left if found] == [104]


async def test_a_link_with_an_unknown_way_of_asking_is_refused(store: Store):
    with pytest.raises(Exception, match="CHECK"):
        async with store.transaction(bump=False) as conn:
            await answer_links.record(conn, link(100, 50, via="carrier pigeon"))


async def test_writes_that_change_no_item_leave_the_caches_valid(store: Store):
    before = store.generation
    async with store.transaction(bump=False) as conn:
        await answer_links.record(conn, link(100, 50))
    assert store.generation == before
    async with store.transaction():
        pass
    assert store.generation == before + 1
