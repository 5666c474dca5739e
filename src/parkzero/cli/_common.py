"""Shared plumbing of the CLI: one console, JSON output, and errors that exit with code 2."""

from __future__ import annotations

import functools
import json
import math
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from parkzero.errors import ParkzeroError

__all__ = ["console", "err_console", "handle_errors", "print_json"]

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def print_json(obj: Any) -> None:
    """Print one JSON object on stdout (UTF-8, no ASCII escaping, NaN as null)."""
    sys.stdout.write(json.dumps(_jsonable(obj), ensure_ascii=False, indent=None) + "\n")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`ParkzeroError` into one line on stderr and its exit code (2 for bad input)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ParkzeroError as exc:
            # the message is plain text: square brackets in it (e.g. "parkzero[spark]") are not markup
            err_console.print(
                f"[bold red]parkzero:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(code=exc.exit_code) from exc

    return wrapper
