"""The error family of sgkg.

The library raises these and never prints or exits; ``kg.cli`` turns each into a
one-line message and the exit code documented in README.md ("Exit codes").
Messages say what to fix, not only what went wrong.
"""

from __future__ import annotations


class KgError(Exception):
    """Base class: a user-facing error with an exit code."""

    exit_code = 1


class InputError(KgError):
    """A path or an option the user gave cannot be used (missing, unreadable, wrong kind)."""

    exit_code = 2


class GraphNotFound(KgError):
    """No graph where one was expected: run ``kg build`` first or pass ``--graph``."""

    exit_code = 3


class QueryError(KgError):
    """A SPARQL query is unknown, malformed or was given a bad parameter."""

    exit_code = 4


class ValidationFailed(KgError):
    """The ontology is inconsistent or a graph breaks the SHACL shapes."""

    exit_code = 5


class PartialBuild(KgError):
    """Some documents could not be read; the others were built."""

    exit_code = 6


class NothingBuilt(KgError):
    """No document could be read, so no graph was written."""

    exit_code = 7


class BuildLocked(KgError):
    """Another build is writing to the same output folder."""

    exit_code = 8


class RemoteError(KgError):
    """A remote SPARQL endpoint or triplestore refused or could not be reached."""

    exit_code = 9
