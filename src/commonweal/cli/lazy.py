"""The ``commonweal`` command's sub-commands, each imported when it is called.

A command names where its code is (``module`` for a Typer ``app``, ``module:name`` for a
Typer app or a command's function: ``SubCommands`` in ``commonweal.capability``); the
command group imports it the first time click asks for it — to run it, or for
``--help`` to list it. So ``commonweal --version`` imports no command, and a command that
talks to a node imports its own module, not the web app, the database layer or the demo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from importlib import import_module
from typing import Any, ClassVar

import typer
from typer.core import TyperGroup
from typer.main import get_command, get_group

Command = Any
"""A built command: Typer's click ``Command`` or ``Group`` (Typer carries its own click)."""

Loader = Callable[[], Command]
"""Builds one command (imports its module) when it is first asked for."""


def loader(name: str, place: str, extensions: tuple[str, ...] = ()) -> Loader:
    """The command ``name`` found at ``place``; ``extensions``: modules that add commands to
    it when imported (imported first)."""

    def load() -> Command:
        for module in extensions:
            import_module(module)
        module, _, attribute = place.partition(":")
        found = getattr(import_module(module), attribute or "app")
        command: Command
        if isinstance(found, typer.Typer):
            command = get_group(found)
        else:
            single = typer.Typer()
            single.command(name)(found)
            command = get_command(single)
        command.name = name
        return command

    return load


def loaded(command: Command) -> Loader:
    """A command that is already built (a capability that adds its commands at once)."""
    return lambda: command


def added_by(add: Callable[[typer.Typer], None]) -> dict[str, Loader]:
    """The commands a function adds to a Typer app, built at once."""
    scratch = typer.Typer()
    add(scratch)
    return {name: loaded(command) for name, command in get_group(scratch).commands.items()}


class Commands(MutableMapping[str, Command]):
    """Command name → command, each built by its loader when it is first read."""

    def __init__(self, loaders: Mapping[str, Loader]) -> None:
        self._loaders = dict(loaders)
        self._built: dict[str, Command] = {}
        self.on_load: Callable[[Command], None] | None = None
        """Called with each command as it is built (the help's translation)."""

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            command = self._loaders[name]()  # KeyError: no such command
            if self.on_load is not None:
                self.on_load(command)
            self._built[name] = command
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaders[name] = loaded(command)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaders[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaders)

    def __len__(self) -> int:
        return len(self._loaders)

    def built(self) -> dict[str, Command]:
        """The commands built so far."""
        return dict(self._built)


class LazyGroup(TyperGroup):
    """A Typer group whose commands are :class:`Commands` (``loaders``, in order, after the
    ones registered on the Typer app itself)."""

    loaders: ClassVar[Mapping[str, Loader]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        registered = {name: loaded(command) for name, command in self.commands.items()}
        self.commands = Commands({**registered, **self.loaders})

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names, without building the commands


def lazy_group(loaders: Mapping[str, Loader]) -> type[LazyGroup]:
    """A :class:`LazyGroup` class with ``loaders`` (Typer takes the group's class)."""
    return type("CommonwealCommands", (LazyGroup,), {"loaders": dict(loaders)})
