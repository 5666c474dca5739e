"""Exceptions raised by parkzero.

Every error a user can cause names what is wrong, where (file, row, column or field) and what was
expected. The CLI prints the message and exits with code 2 for :class:`InputError` and its
subclasses, 1 for anything else.

Tree::

    ParkzeroError
    ├── InputError                 bad user input: file, row, column, what was expected (exit 2)
    │   ├── UnitError              a unit that is unknown or of the wrong dimension
    │   ├── UnknownActivityError   an activity type the factor library does not know
    │   └── ConfigError            bad settings or park description
    ├── FactorNotFoundError        no emission factor for an activity, region and year
    ├── ProofError                 a Merkle proof or signature that does not verify
    └── InfeasibleError            an optimisation problem without a feasible solution
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "FactorNotFoundError",
    "InfeasibleError",
    "InputError",
    "ParkzeroError",
    "ProofError",
    "UnitError",
    "UnknownActivityError",
]


class ParkzeroError(Exception):
    """Base class of every error parkzero raises on purpose."""

    exit_code = 1


class InputError(ParkzeroError, ValueError):
    """Bad input from a user: a file, a row, a column or a field.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    source : str, optional
        File name or other origin of the input.
    row : int, optional
        Line of the file as a spreadsheet shows it (the header is row 1).
    column : str, optional
        Column or field name.
    """

    exit_code = 2
    _column_label = "column"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.row = row
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f'{self._column_label} "{self.column}"')
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def at(
        self, *, source: str | None = None, row: int | None = None, column: str | None = None
    ) -> InputError:
        """Return a copy of this error with its location filled in where it was unknown."""
        return type(self)(
            self.message,
            source=self.source or source,
            row=self.row if self.row is not None else row,
            column=self.column or column,
        )


class UnitError(InputError):
    """A unit that pint does not know, or of the wrong dimension for the activity."""


class UnknownActivityError(InputError):
    """An activity type that is not in the activity catalogue."""


class ConfigError(InputError):
    """Invalid settings, park description or command-line option; `column` is the field path."""

    _column_label = "field"


class FactorNotFoundError(ParkzeroError, LookupError):
    """No emission factor matches an activity type, region, year and factor set."""

    exit_code = 2


class ProofError(ParkzeroError):
    """A Merkle inclusion/consistency proof or a signature did not verify."""


class InfeasibleError(ParkzeroError):
    """An optimisation model has no feasible solution; the message says why."""
