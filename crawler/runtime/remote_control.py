"""Scrapy's remote-control extension left out of a crawl that has it off.

Scrapy (2.19) loads the class of every extension in ``EXTENSIONS_BASE`` and
``EXTENSIONS``, a disabled one (``None``) included, before it asks the extension whether
it is enabled; the remote-control extension's module imports aiohttp: 0.14 s of CPU and
10 MB at every start, for an extension that then declines (``REMOTE_CONTROL_ENABLED`` is
off in ``crawler/settings.py``).
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

REMOTE_CONTROL = "scrapy.extensions.remote_control.RemoteControl"


class LeaveOutRemoteControl:
    """Scrapy add-on (``ADDONS``): with ``REMOTE_CONTROL_ENABLED`` off, Scrapy's
    remote-control extension is taken out of ``EXTENSIONS_BASE``, so its module is never
    imported; with it on (``-s REMOTE_CONTROL_ENABLED=True``), nothing changes.

    >>> from scrapy.settings import Settings
    >>> settings = Settings({"REMOTE_CONTROL_ENABLED": False})
    >>> LeaveOutRemoteControl().update_settings(settings)
    >>> REMOTE_CONTROL in settings.getdict("EXTENSIONS_BASE"), "scrapy.extensions.corestats.CoreStats" in settings.getdict("EXTENSIONS_BASE")
    (False, True)
    """

    def update_settings(self, settings: BaseSettings) -> None:
        if settings.getbool("REMOTE_CONTROL_ENABLED"):
            return
        base = settings.getdict("EXTENSIONS_BASE")
        if base.pop(REMOTE_CONTROL, None) is not None:
            settings.set("EXTENSIONS_BASE", base, priority="addon")
