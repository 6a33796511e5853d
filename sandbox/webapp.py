"""Mini Apps (Web Apps): the `initData` Telegram hands a Mini App opened by one of its users,
signed with the bot's token as Telegram documents it, the address the app opens at (the data
in its fragment, as `tgWebAppData`), and a local stand-in for `telegram-web-app.js`.

The signer is the sandbox's own (it imports none of the bot's packages): the secret key is
HMAC-SHA256 of the token under "WebAppData", the hash the hex HMAC-SHA256 of every other field,
sorted, as `name=value` lines joined by a line feed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any, Final
from urllib.parse import quote, urlencode

from aiohttp import web

from sandbox.errors import SandboxError
from sandbox.state import SandboxUser

WEB_APP_VERSION: Final = "8.0"
SCRIPT_PATH: Final = "/telegram-web-app.js"
LIGHT_THEME: Final = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#999999",
    "link_color": "#2481cc",
    "button_color": "#2481cc",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#efeff3",
}
"""The themeParams the stand-in passes (Telegram's light theme)."""


def init_data(
    token: str,
    user: SandboxUser,
    auth_date: int,
    *,
    query_id: str | None = None,
    start_param: str | None = None,
) -> str:
    """The signed initData string of a Mini App this user opens, as Telegram builds it."""
    fields = {
        "query_id": query_id or "AA" + secrets.token_urlsafe(12),
        "user": json.dumps(_user_json(user), ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(auth_date),
    }
    if start_param is not None:
        fields["start_param"] = start_param
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields, quote_via=quote)


def open_app(
    token: str | None,
    user: SandboxUser,
    url: str,
    auth_date: int | None = None,
    start_param: str | None = None,
) -> dict[str, str]:
    """What a user opening the Mini App at `url` gets: the initData and the launch address."""
    if token is None:
        raise SandboxError("initData is signed with the token: start the sandbox with one")
    when = int(time.time()) if auth_date is None else auth_date
    data = init_data(token, user, when, start_param=start_param)
    return {"init_data": data, "url": launch_url(url, data)}


def launch_url(url: str, data: str) -> str:
    """The address the app opens at: the button's URL with the launch data in its fragment."""
    fragment = urlencode(
        {
            "tgWebAppData": data,
            "tgWebAppVersion": WEB_APP_VERSION,
            "tgWebAppPlatform": "unknown",
            "tgWebAppThemeParams": json.dumps(LIGHT_THEME, separators=(",", ":")),
        },
        quote_via=quote,
    )
    return f"{url.split('#', 1)[0]}#{fragment}"


def _user_json(user: SandboxUser) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user.id, "first_name": user.first_name}
    if user.last_name:
        data["last_name"] = user.last_name
    if user.username:
        data["username"] = user.username
    if user.language_code:
        data["language_code"] = user.language_code
    data["allows_write_to_pm"] = True
    return data


STAND_IN: Final = """// A local stand-in for telegram-web-app.js (sandbox only):
// the launch data from the address's fragment, as Telegram.WebApp.initData,
// initDataUnsafe and themeParams.
(function () {
  var hash = new URLSearchParams(location.hash.slice(1));
  var data = hash.get("tgWebAppData") || "";
  var fields = new URLSearchParams(data);
  var unsafe = {};
  fields.forEach(function (value, key) {
    try { unsafe[key] = key === "user" ? JSON.parse(value) : value; } catch (e) {}
  });
  var theme = {};
  try { theme = JSON.parse(hash.get("tgWebAppThemeParams") || "{}"); } catch (e) {}
  var root = document.documentElement.style;
  Object.keys(theme).forEach(function (key) {
    root.setProperty("--tg-theme-" + key.replace(/_/g, "-"), theme[key]);
  });
  window.Telegram = {
    WebApp: {
      initData: data,
      initDataUnsafe: unsafe,
      version: hash.get("tgWebAppVersion") || "8.0",
      platform: "unknown",
      colorScheme: "light",
      themeParams: theme,
      ready: function () {},
      expand: function () {},
      close: function () {},
      onEvent: function () {},
      offEvent: function () {}
    }
  };
})();
"""


async def serve_script(request: web.Request) -> web.Response:
    """GET /telegram-web-app.js: the stand-in script."""
    return web.Response(text=STAND_IN, content_type="application/javascript")
