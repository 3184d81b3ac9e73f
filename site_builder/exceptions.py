"""One exception type for everything the user can fix; the CLI prints it without a traceback."""

from __future__ import annotations


class SiteBuilderError(Exception):
    """A problem in the user's input or invocation, printed cleanly by the CLI."""


class ReportError(SiteBuilderError):
    """A report that cannot be read. Always names the file and, where known, the line."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        super().__init__(self.location + ": " + message)

    def __reduce__(self):
        # A parse worker returns the error to the main process: rebuild it from its three
        # fields (the default would call __init__ with the formatted message alone).
        return (type(self), (self.path, self.line, self.message))

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


class BuildAborted(SiteBuilderError):
    """The build stopped (e.g. --strict with warnings); the previous site is left untouched."""
