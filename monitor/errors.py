"""Errors that reach the user as one clear Chinese sentence, never a traceback."""

from __future__ import annotations


class GovmonError(Exception):
    """A problem the user can fix (bad file, bad setting, database not initialised).

    The message is shown as it is; ``exit_code`` follows the CLI's convention:
    2 for bad input or settings, 1 for anything that could not run.
    """

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self.args[0])


class InputError(GovmonError):
    """Bad input from the user: settings, a registry file, an argument."""

    exit_code = 2


class SettingsError(InputError):
    """The settings file is missing a secret, has an unknown key, a wrong type or bad value."""


class DatabaseVersionError(GovmonError):
    """The database schema is older or newer than this code."""
