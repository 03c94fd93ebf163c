"""Cancelled Twisted timers dropped while the crawl runs (crawler/runtime/timers.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.runtime.timers import TimerSweep

# Run in its own process: a process installs one Twisted reactor, once. With the asyncio
# reactor running, with or without the sweep, it sets and cancels 100 timers of 180 s (as
# downloads cancel their timeouts), then, from asyncio's own loop (not a Twisted timer,
# which would let the reactor drop them), prints how many are still alive.
CANCELLED_TIMERS_ALIVE = """
import asyncio, gc, sys, weakref
from twisted.internet import asyncioreactor
loop = asyncio.new_event_loop()
asyncioreactor.install(loop)
from twisted.internet import reactor
from crawler.runtime.timers import TimerSweep
alive = []
def cancel_timers():
    for _ in range(100):
        call = reactor.callLater(180, print)
        alive.append(weakref.ref(call))
        call.cancel()
def count_and_stop():
    gc.collect()
    print(sum(ref() is not None for ref in alive))
    reactor.stop()
if sys.argv[1] == "sweep":
    reactor.callWhenRunning(TimerSweep(0.01).engine_started)
loop.call_later(0.1, cancel_timers)
loop.call_later(0.5, count_and_stop)
reactor.run()
"""


def cancelled_timers_alive(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CANCELLED_TIMERS_ALIVE, mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(done.stdout.split()[-1])


def test_the_sweep_frees_the_timers_a_crawl_cancelled():
    assert cancelled_timers_alive("sweep") == 0


def test_without_the_sweep_the_asyncio_reactor_keeps_cancelled_timers():
    # Why the sweep exists: no Twisted timer was due, so the reactor kept all 100.
    assert cancelled_timers_alive("none") == 100


def test_a_sweep_interval_of_0_turns_it_off():
    crawler = get_crawler(settings_dict={"ARCHIVE_TIMER_SWEEP_SECONDS": 0})
    with pytest.raises(NotConfigured):
        TimerSweep.from_crawler(crawler)
