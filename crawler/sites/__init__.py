"""Site profiles, registered by name."""

from __future__ import annotations

from crawler.sites import aawsat
from crawler.sites.base import ArticlePage, SiteProfile, UrlKind

PROFILES: dict[str, SiteProfile] = {profile.name: profile for profile in (aawsat.PROFILE,)}


def get_profile(name: str) -> SiteProfile:
    """The profile registered under ``name``; a clear error lists the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise KeyError(f"unknown site profile {name!r}; known profiles: {known}") from None


__all__ = ["PROFILES", "ArticlePage", "SiteProfile", "UrlKind", "get_profile"]
