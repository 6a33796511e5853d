"""Reading a policy file: YAML in, a validated `Policy` out, or every error with its line."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from workflow.policy import Policy

DEFAULT_POLICY_PATH: Final = Path(__file__).parent / "policies" / "qingxin.yaml"


@dataclass(frozen=True, slots=True)
class PolicyError:
    """One problem in a policy file: where (key path and line) and what."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.path or '(top)'}: {self.message}"


class PolicyFileError(Exception):
    """A policy file that cannot be used, with every problem found in it."""

    def __init__(self, source: str, errors: list[PolicyError]) -> None:
        self.source = source
        self.errors = errors
        super().__init__(f"{source}: {len(errors)} error(s)")


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """Validate policy YAML text; raises PolicyFileError listing every problem."""
    yaml = YAML(typ="rt")
    try:
        raw = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PolicyFileError(source, [PolicyError("", line, str(exc).splitlines()[0])]) from exc
    if not isinstance(raw, CommentedMap):
        raise PolicyFileError(source, [PolicyError("", 1, "the file must be a mapping")])
    try:
        policy = Policy.model_validate(_plain(raw), context={"defer_references": True})
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            errors.append(PolicyError(_dotted(loc), _line_of(raw, loc), _message(err)))
        raise PolicyFileError(source, errors) from exc
    problems = policy.reference_problems()
    if problems:
        errors = [PolicyError(_dotted(loc), _line_of(raw, loc), msg) for loc, msg in problems]
        raise PolicyFileError(source, errors)
    return policy


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(str(p), [PolicyError("", None, exc.strerror or str(exc))]) from exc
    return parse_policy(text, str(p))


@lru_cache(maxsize=1)
def load_default_policy() -> Policy:
    """The shipped policy of Qingxin district under Qingyuan city."""
    return load_policy(DEFAULT_POLICY_PATH)


def _plain(node: Any) -> Any:
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    return node


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line_of(root: Any, loc: tuple[Any, ...]) -> int | None:
    node, line = root, 1
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            pos = node.lc.key(part)
            line = pos[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            pos = node.lc.item(part)
            line = pos[0] + 1
            node = node[part]
        else:
            break
    return line


def _message(err: Any) -> str:
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")
