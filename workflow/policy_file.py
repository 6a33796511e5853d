"""Reading a policy file: YAML in, a validated `Policy` out, or every error with its line."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from workflow.policy import Policy
from workflow.policy_checks import further_problems

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
        raise PolicyFileError(source, [_yaml_error(text, exc)]) from exc
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
    problems = policy.reference_problems() + further_problems(policy)
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


def _yaml_error(text: str, exc: YAMLError) -> PolicyError:
    """A YAML error where it is: the problem's line, and for a duplicate key its key path."""
    if not isinstance(exc, MarkedYAMLError):
        return PolicyError("", None, str(exc).splitlines()[0])
    problem = exc.problem_mark
    line = problem.line + 1 if problem is not None else None
    message = exc.problem or (exc.context or str(exc).splitlines()[0])
    path = ""
    context = exc.context_mark
    if context is not None and problem is not None:
        try:
            root = YAML(typ="rt").compose(text)
        except YAMLError:
            root = None
        if root is not None:
            path = _dotted(_key_at(root, (context.line, context.column), problem) or ())
    return PolicyError(path, line, message)


def _key_at(node: Node, start: tuple[int, int], key_mark: Any) -> tuple[Any, ...] | None:
    """The key path of the key at key_mark in the mapping that starts at `start`."""
    if isinstance(node, MappingNode):
        if (node.start_mark.line, node.start_mark.column) == start:
            for key, _value in node.value:
                mark = key.start_mark
                if (mark.line, mark.column) == (key_mark.line, key_mark.column):
                    return (str(key.value),)
            return ()
        for key, value in node.value:
            found = _key_at(value, start, key_mark)
            if found is not None:
                return (str(key.value), *found)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            found = _key_at(item, start, key_mark)
            if found is not None:
                return (i, *found)
    return None
