"""A browser's signals as the telemetry script reports them, and the warning flags (Stytch's verdict
reasons) they raise on their own: automation, a user agent at odds with the request's, a virtual GPU."""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADLESS_BROWSER_AUTOMATION = "HEADLESS_BROWSER_AUTOMATION"
USER_AGENT_DECEPTION = "USER_AGENT_DECEPTION"
VIRTUAL_MACHINE = "VIRTUAL_MACHINE"
# WebGL renderers of software rasterizers and hypervisors' virtual GPUs.
VIRTUAL_RENDERER = re.compile(r"swiftshader|llvmpipe|softpipe|vmware|virtualbox|parallels|hyper-v", re.I)
HEADLESS_USER_AGENT = re.compile(r"headless|phantomjs|electron|puppeteer|playwright", re.I)
DEVICE_TYPES = (
    ("ANDROID", re.compile(r"android", re.I)),
    ("IOS", re.compile(r"iphone|ipad|ipod", re.I)),
    ("WINDOWS", re.compile(r"windows", re.I)),
    ("MAC_OS", re.compile(r"macintosh|mac os x", re.I)),
    ("CHROME_OS", re.compile(r"cros", re.I)),
    ("LINUX", re.compile(r"linux|x11", re.I)),
)


@dataclass(frozen=True)
class BrowserSignals:
    user_agent: str
    languages: list[str]
    timezone: str
    platform: str
    screen_width: int
    screen_height: int
    color_depth: int
    pixel_ratio: float
    hardware_concurrency: int
    device_memory: float | None
    touch_points: int
    webdriver: bool
    plugins_count: int
    has_chrome_object: bool
    webgl_vendor: str
    webgl_renderer: str


def warning_flags(signals: BrowserSignals, header_user_agent: str) -> list[str]:
    """The verdict reasons the signals raise, given the User-Agent header of the request that carried them."""
    flags = []
    if signals.webdriver or HEADLESS_USER_AGENT.search(signals.user_agent):
        flags.append(HEADLESS_BROWSER_AUTOMATION)
    if header_user_agent != signals.user_agent:
        flags.append(USER_AGENT_DECEPTION)
    if VIRTUAL_RENDERER.search(signals.webgl_renderer):
        flags.append(VIRTUAL_MACHINE)
    return flags


def device_type(signals: BrowserSignals) -> str:
    """The operating system the user agent names, or UNKNOWN."""
    for name, pattern in DEVICE_TYPES:
        if pattern.search(signals.user_agent):
            return name
    return "UNKNOWN"
