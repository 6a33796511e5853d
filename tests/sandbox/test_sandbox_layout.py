"""The sandbox's layout: no import cycles, nothing registered at import, one public API."""

from __future__ import annotations

import ast
import inspect
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

import sandbox
from sandbox import SandboxClient, SandboxServer, bot_chats, bot_messages, bot_updates
from sandbox.bot_api import BotApi
from sandbox.core import Core
from sandbox.observe import Observer
from sandbox.users import UserSide

PACKAGE = Path(sandbox.__file__).parent
MODULES = {path.stem: path for path in sorted(PACKAGE.glob("*.py"))}
OUR_PACKAGES = (
    "workflow",
    "storage",
    "conversations",
    "documents",
    "handlers",
    "bot",
    "templates",
)
LONG_MODULE = 300


def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"), filename=str(MODULES[name]))


def _imported_modules(tree: ast.Module) -> Iterator[str]:
    """Yield every module an import names, wherever it sits (TYPE_CHECKING and functions too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _sandbox_imports(name: str) -> set[str]:
    found = set()
    for module in _imported_modules(_tree(name)):
        parts = module.split(".")
        if parts[0] == "sandbox" and len(parts) > 1 and parts[1] in MODULES:
            found.add(parts[1])
    return found - {name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_among_the_sandbox_modules() -> None:
    graph = {name: _sandbox_imports(name) - {"__init__"} for name in MODULES}
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_the_sandbox_imports_none_of_the_bots_packages() -> None:
    for name in MODULES:
        roots = {module.split(".")[0] for module in _imported_modules(_tree(name))}
        assert not roots & set(OUR_PACKAGES), name


def _module_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


def _mutated_globals(tree: ast.Module) -> Iterator[str]:
    """Yield module-level names that a function changes: the shape of a registry."""
    module_names = _module_names(tree)
    mutators = {"append", "add", "update", "setdefault", "extend", "insert", "__setitem__"}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                yield from node.names
            elif isinstance(node, ast.Assign | ast.AugAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if (
                        isinstance(target, ast.Subscript)
                        and isinstance(target.value, ast.Name)
                        and target.value.id in module_names
                    ):
                        yield target.value.id
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if (
                    isinstance(owner, ast.Name)
                    and owner.id in module_names
                    and node.func.attr in mutators
                ):
                    yield owner.id


def _calls_at_top(tree: ast.Module) -> list[int]:
    """Return the lines of module-level statements run only for their effect."""
    return [
        node.lineno
        for node in tree.body
        if isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant)
    ]


def test_nothing_registers_itself_at_import() -> None:
    for name in MODULES:
        tree = _tree(name)
        assert list(_mutated_globals(tree)) == [], name
        assert _calls_at_top(tree) == [], f"{name} runs code at import for its effect"
    assert "registry" not in MODULES


REGISTRY = """
METHODS = {}
ROUTES = []


def bot_method(name):
    def register(handler):
        METHODS[name.lower()] = handler
        ROUTES.append(name)
        return handler

    return register


bot_method("getMe")(print)
"""


def test_the_registry_check_finds_a_registry() -> None:
    tree = ast.parse(REGISTRY)
    assert sorted(set(_mutated_globals(tree))) == ["METHODS", "ROUTES"]
    assert _calls_at_top(tree) == [15]


def test_the_method_table_is_composed_from_each_modules_entries() -> None:
    groups = (bot_chats.methods(), bot_messages.methods(), bot_updates.methods())
    first, second = BotApi(Core(), *groups), BotApi(Core(), *groups)
    assert first.method_names() == second.method_names()
    assert bot_chats.methods() is not groups[0]
    assert sorted(first.method_names()) == sorted(
        [
            "answerCallbackQuery",
            "close",
            "deleteMessage",
            "deleteMessages",
            "deleteMyCommands",
            "deleteWebhook",
            "editMessageCaption",
            "editMessageReplyMarkup",
            "editMessageText",
            "getChat",
            "getChatMember",
            "getChatMenuButton",
            "getFile",
            "getMe",
            "getMyCommands",
            "getMyDescription",
            "getMyName",
            "getMyShortDescription",
            "getUpdates",
            "getWebhookInfo",
            "logOut",
            "sendChatAction",
            "sendDocument",
            "sendMessage",
            "sendPhoto",
            "setChatMenuButton",
            "setMyCommands",
            "setMyDescription",
            "setMyName",
            "setMyShortDescription",
            "setWebhook",
        ]
    )


def test_a_method_defined_twice_is_refused() -> None:
    def get_me(core: Core, params: object) -> bool:
        return True

    with pytest.raises(ValueError, match="getme is defined twice"):
        BotApi(Core(), {"getMe": get_me}, {"getme": get_me})


def _comments(path: Path) -> set[int]:
    with path.open(encoding="utf-8") as source:
        tokens = tokenize.generate_tokens(source.readline)
        return {token.start[0] for token in tokens if token.type == tokenize.COMMENT}


def test_an_import_inside_a_function_says_why() -> None:
    for name, path in MODULES.items():
        commented = _comments(path)
        for function in ast.walk(_tree(name)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    line = node.lineno
                    assert {line, line - 1} & commented, f"{name}:{line} imports without a why"


def test_a_long_module_says_why_at_its_top() -> None:
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > LONG_MODULE:
            head = lines[:8]
            assert any(line.startswith("# Over 300 lines: ") for line in head), name


def _public_functions(cls: type) -> list[str]:
    return [
        name
        for name, value in vars(cls).items()
        if not name.startswith("_") and inspect.isfunction(value)
    ]


CORE_OFFERED = (
    "check_token",
    "inject_fault",
    "clear_faults",
    "install_webhook",
    "remove_webhook",
    "webhook_info",
    "reset",
)


@pytest.mark.parametrize("part", [UserSide, Observer, Core])
def test_the_server_passes_each_method_through_unchanged(part: type) -> None:
    names = CORE_OFFERED if part is Core else _public_functions(part)
    for name in names:
        mine, theirs = vars(SandboxServer)[name], vars(part)[name]
        assert inspect.signature(mine) == inspect.signature(theirs), name
        assert mine.__doc__ == theirs.__doc__, name
        assert inspect.iscoroutinefunction(mine) == inspect.iscoroutinefunction(theirs), name


SERVER_API = {
    "add_group",
    "add_user",
    "block",
    "bot_id",
    "build_app",
    "callback_queries",
    "calls",
    "check_token",
    "clear_faults",
    "edit_message",
    "effective_commands",
    "enforce_limits",
    "faults",
    "file_content",
    "forge_press",
    "inject_fault",
    "install_webhook",
    "last_bot_message",
    "limiter",
    "mark",
    "message",
    "next_bot_event",
    "open_web_app",
    "press",
    "remove_webhook",
    "render_transcript",
    "reset",
    "send_contact",
    "send_dice",
    "send_document",
    "send_location",
    "send_media",
    "send_photo",
    "send_poll",
    "send_sticker",
    "send_text",
    "sent_messages",
    "start",
    "state",
    "stop",
    "token",
    "transcript",
    "unanswered_callback_queries",
    "unblock",
    "url",
    "wait_for_bot_message",
    "wait_idle",
    "webhook_info",
}
CLIENT_ONLY = {"aclose", "set_enforce_limits"}
NOT_IN_CLIENT = {
    "bot_id",
    "build_app",
    "callback_queries",
    "check_token",
    "effective_commands",
    "enforce_limits",
    "faults",
    "forge_press",
    "install_webhook",
    "last_bot_message",
    "limiter",
    "next_bot_event",
    "remove_webhook",
    "start",
    "state",
    "stop",
    "token",
    "webhook_info",
}


async def test_the_public_api_stays_as_it_was() -> None:
    server = SandboxServer()
    async with SandboxClient("http://127.0.0.1:1") as client:
        client_api = {name for name in dir(client) if not name.startswith("_")}
    assert {name for name in dir(server) if not name.startswith("_")} == SERVER_API
    assert client_api == SERVER_API - NOT_IN_CLIENT | CLIENT_ONLY
    assert sandbox.__all__ == [
        "BOT_USERNAME",
        "ApiError",
        "CallRecord",
        "CallbackQueryRecord",
        "FaultRule",
        "SandboxClient",
        "SandboxError",
        "SandboxServer",
        "TranscriptEntry",
        "make_png",
    ]


async def test_the_parts_follow_the_switches_and_reset() -> None:
    server = SandboxServer(enforce_limits=True)
    assert server.enforce_limits
    server.enforce_limits = False
    assert not server.enforce_limits
    server.add_user(1, "A")
    state, limiter = server.state, server.limiter
    server.inject_fault("500")
    await server.reset()
    assert server.state is not state and server.limiter is not limiter
    assert server.state.users == {} and server.faults.rules == []
    server.add_user(2, "B")
    assert list(server.state.users) == [2]
    assert server.calls() == [] and server.render_transcript(2) == ""
