"""Where discord.py sends its requests: the one place that points it at another API.

discord.py reads its REST base from ``Route.BASE`` and its gateway from
``DiscordWebSocket.DEFAULT_GATEWAY``, both class attributes. ``pointed_at`` changes them for as
long as a client needs (a rate-limit proxy, or the local fake Discord in tests) and puts them back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


@contextlib.contextmanager
def pointed_at(api_base: str) -> Iterator[None]:
    """REST calls go to ``api_base`` inside the block; the gateway is restored on leaving too."""
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = api_base
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


def use_gateway(url: str) -> None:
    """Connect to the gateway at ``url`` (as the API's /gateway/bot answered)."""
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
