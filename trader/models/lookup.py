"""Name lookup shared by the per-concept registries (activations, losses, optimizers, metrics).

Names match case-insensitively and ignore ``_``, ``-`` and spaces, so ``binary_crossentropy``,
``binary-crossentropy`` and ``BinaryCrossentropy`` are the same name. Each accepted spelling
resolves to a canonical name and a factory; an unknown name raises `ConfigError` with a
"did you mean" hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from trader.errors import unknown

F = TypeVar("F", bound=Callable[..., object])

_SEPARATORS = re.compile(r"[\s_\-]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def normalize(name: str) -> str:
    """The matching key of a name: lower case, without ``_``, ``-`` or spaces."""
    return _SEPARATORS.sub("", name).lower()


def snake(name: str) -> str:
    """``BinaryCrossentropy`` -> ``binary_crossentropy`` (for class names without a function)."""
    return _CAMEL.sub("_", name).lower()


@dataclass(frozen=True)
class Entry(Generic[F]):
    """One accepted spelling: ``name`` (snake case) resolves to ``canonical`` via ``factory``."""

    name: str
    canonical: str
    factory: F


class Registry(Generic[F]):
    """Accepted names of one kind of object, each with the factory that makes it."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, Entry[F]] = {}

    def add(self, canonical: str, factory: F, aliases: Iterable[str] = ()) -> None:
        """Register ``canonical`` and its ``aliases``; a spelling taken by another name is a bug."""
        for name in (canonical, *aliases):
            key = normalize(name)
            taken = self._entries.get(key)
            if taken is not None and taken.canonical != canonical:
                raise ValueError(f"{self.kind} name '{name}' already means '{taken.canonical}'")
            if taken is None:
                self._entries[key] = Entry(name=name, canonical=canonical, factory=factory)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalize(name) in self._entries

    def lookup(self, name: str) -> Entry[F]:
        """The entry of ``name``, or `ConfigError` naming the closest known name."""
        entry = self._entries.get(normalize(name))
        if entry is None:
            raise unknown(self.kind, name, self.names())
        return entry

    def names(self) -> list[str]:
        """Every accepted spelling (canonical names and aliases), sorted."""
        return sorted(e.name for e in self._entries.values())

    def canonical_names(self) -> list[str]:
        """The distinct canonical names, sorted."""
        return sorted({e.canonical for e in self._entries.values()})


def serializable(name: str) -> Callable[[F], F]:
    """Keras' ``register_keras_serializable(package="trader", name=name)``, typed: saved
    models that use the decorated function load again by that name."""
    import keras

    register: Callable[[F], F] = keras.saving.register_keras_serializable(
        package="trader", name=name
    )
    return register
