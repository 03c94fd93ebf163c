"""The project's settings with Scrapy's own AutoThrottle in place of ``PoliteAutoThrottle``:
the baseline ``qa.rate_limit`` crawls with (``SCRAPY_SETTINGS_MODULE``)."""

from scrapy.extensions.throttle import AutoThrottle

from crawler.runtime.politeness import PoliteAutoThrottle
from crawler.settings import *
from crawler.settings import EXTENSIONS as PROJECT_EXTENSIONS

EXTENSIONS = {**PROJECT_EXTENSIONS, AutoThrottle: 0, PoliteAutoThrottle: None}
