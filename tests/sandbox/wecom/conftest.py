"""Fixtures for the WeCom sandbox tests: a running sandbox, an HTTP client and a token."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox.wecom import WeComSandbox


@pytest.fixture
async def wecom() -> AsyncIterator[WeComSandbox]:
    """Return a running WeCom sandbox with members zhangsan and lisi."""
    async with WeComSandbox() as server:
        server.add_user("zhangsan", "张三")
        server.add_user("LiSi", "李四")
        yield server


@pytest.fixture
async def client(wecom: WeComSandbox) -> AsyncIterator[httpx.AsyncClient]:
    """Return an httpx client on the sandbox's base URL."""
    async with httpx.AsyncClient(base_url=wecom.url) as http:
        yield http


@pytest.fixture
async def token(wecom: WeComSandbox, client: httpx.AsyncClient) -> str:
    """Return a live access_token."""
    query = {"corpid": wecom.config.corp_id, "corpsecret": wecom.config.corp_secret}
    answer = (await client.get("/cgi-bin/gettoken", params=query)).json()
    return str(answer["access_token"])
