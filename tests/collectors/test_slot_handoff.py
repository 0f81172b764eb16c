"""A freed host slot goes to the request waiting for it at once: the next request starts
before the previous one's caller goes on (to parse its page), so no slot idles meanwhile."""

from __future__ import annotations

import asyncio

from testkit.collecting import make_settings

from collectors.fakeplatform import FakePlatform
from collectors.http import LocalPacer, PoliteClient
from collectors.settings import CollectorsSettings


class RecordingPacer(LocalPacer):
    """The in-process pacer, noting each turn given (the moment a request may start)."""

    def __init__(self, settings: CollectorsSettings, events: list[str]) -> None:
        super().__init__(settings)
        self.events = events

    async def wait_turn(self, host: str) -> None:
        self.events.append("turn")
        await super().wait_turn(host)


def test_waiting_request_starts_before_the_previous_caller_goes_on(fake: FakePlatform) -> None:
    settings = make_settings(fake, max_concurrency=1, per_host_concurrency=1)
    events: list[str] = []

    async def main() -> None:
        async with PoliteClient(settings, pacer=RecordingPacer(settings, events)) as client:

            async def fetch(name: str) -> None:
                page = await client.session().get(f"{fake.url}/feeds/wechat/sample_biz.xml")
                assert page.status == 200
                events.append(f"{name} answered")

            await asyncio.gather(fetch("a"), fetch("b"))

    asyncio.run(main())
    # One slot: b waits for a's. Once a's answer is read, b gets its turn before a's caller
    # resumes; a's caller going on first would leave the slot idle while it parses.
    assert events == ["turn", "turn", "a answered", "b answered"]
    assert len(fake.requests()) == 2
