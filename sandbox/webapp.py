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
from collections.abc import Mapping
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
DARK_THEME: Final = {
    "bg_color": "#212d3b",
    "text_color": "#ffffff",
    "hint_color": "#7d8b99",
    "link_color": "#5eabe1",
    "button_color": "#50a8eb",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#151e27",
}
"""Telegram's dark theme (its Android app's night colours), for a launch in the dark."""


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


def launch_url(url: str, data: str, theme: Mapping[str, str] = LIGHT_THEME) -> str:
    """The address the app opens at: the button's URL with the launch data in its fragment
    (`theme`: the themeParams, LIGHT_THEME or DARK_THEME)."""
    fragment = urlencode(
        {
            "tgWebAppData": data,
            "tgWebAppVersion": WEB_APP_VERSION,
            "tgWebAppPlatform": "unknown",
            "tgWebAppThemeParams": json.dumps(dict(theme), separators=(",", ":")),
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
// the launch data from the address's fragment, as Telegram.WebApp.initData, initDataUnsafe
// and themeParams (also as the --tg-theme-* CSS variables, and colorScheme 'dark' when the
// background is dark); a BackButton and a MainButton that keep their state and call their
// handlers; TelegramSandbox.pressBack() stands for the user pressing Telegram's back button.
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
  function isDark(colour) {
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour || "");
    if (!m) { return false; }
    var r = parseInt(m[1], 16), g = parseInt(m[2], 16), b = parseInt(m[3], 16);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 120;
  }
  var scheme = isDark(theme.bg_color) ? "dark" : "light";
  root.setProperty("--tg-color-scheme", scheme);
  var handlers = {};
  function on(name, fn) { (handlers[name] = handlers[name] || []).push(fn); }
  function off(name, fn) {
    handlers[name] = (handlers[name] || []).filter(function (f) { return f !== fn; });
  }
  function fire(name) {
    (handlers[name] || []).slice().forEach(function (fn) { fn(); });
  }
  var back = {
    isVisible: false,
    show: function () { back.isVisible = true; return back; },
    hide: function () { back.isVisible = false; return back; },
    onClick: function (fn) { on("backButtonClicked", fn); return back; },
    offClick: function (fn) { off("backButtonClicked", fn); return back; }
  };
  var main = {
    text: "", color: theme.button_color || "", textColor: theme.button_text_color || "",
    isVisible: false, isActive: true, isProgressVisible: false,
    setText: function (text) { main.text = text; return main; },
    setParams: function (params) { Object.assign(main, params || {}); return main; },
    show: function () { main.isVisible = true; return main; },
    hide: function () { main.isVisible = false; return main; },
    enable: function () { main.isActive = true; return main; },
    disable: function () { main.isActive = false; return main; },
    showProgress: function () { main.isProgressVisible = true; return main; },
    hideProgress: function () { main.isProgressVisible = false; return main; },
    onClick: function (fn) { on("mainButtonClicked", fn); return main; },
    offClick: function (fn) { off("mainButtonClicked", fn); return main; }
  };
  window.Telegram = {
    WebApp: {
      initData: data,
      initDataUnsafe: unsafe,
      version: hash.get("tgWebAppVersion") || "8.0",
      platform: "unknown",
      colorScheme: scheme,
      themeParams: theme,
      isExpanded: true,
      BackButton: back,
      MainButton: main,
      ready: function () {},
      expand: function () {},
      close: function () {},
      showAlert: function (message, fn) { window.alert(message); if (fn) { fn(); } },
      showConfirm: function (message, fn) {
        var ok = window.confirm(message);
        if (fn) { fn(ok); }
      },
      onEvent: on,
      offEvent: off
    }
  };
  window.TelegramSandbox = {
    pressBack: function () {
      if (back.isVisible) { fire("backButtonClicked"); }
      return back.isVisible;
    },
    pressMain: function () { if (main.isVisible && main.isActive) { fire("mainButtonClicked"); } }
  };
})();
"""


async def serve_script(request: web.Request) -> web.Response:
    """GET /telegram-web-app.js: the stand-in script."""
    return web.Response(text=STAND_IN, content_type="application/javascript")
