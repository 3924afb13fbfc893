"""The exception tree of justicelink.

Every error a user can cause derives from :class:`JusticelinkError` and from the builtin it
refines, so callers may catch either::

    JusticelinkError
    ├── MappingError (ValueError)        the mapping file is malformed or inconsistent
    ├── ExtractError (ValueError)        an extract cannot be read as the mapping describes
    ├── SourceFileNotFoundError (FileNotFoundError)   a file named by the user is missing
    ├── WarehouseError (RuntimeError)    the warehouse cannot be opened or written
    ├── TruthFileError (ValueError)      a truth file to evaluate against is malformed
    ├── LinkageError (ValueError)        linkage inputs (model, review file, ids) are unusable
    ├── ResourceLimitError (RuntimeError)  a job ran out of memory or disk; says what to change
    ├── MeasureError (ValueError)        measures cannot be computed from this warehouse
    ├── EvaluationError (ValueError)     a programme evaluation's inputs are unusable
    ├── StoreError (RuntimeError)        the operational store cannot be opened or migrated
    ├── UserError (ValueError)           a user account cannot be created or changed as asked
    ├── RiskModelError (ValueError)      a risk model cannot be fitted, read or applied as asked
    ├── AuthError (PermissionError)      a sign-in failed (wrong password or code, locked out)
    ├── InputError (ValueError)          typed text breaks a rule (purpose, password, name)
    ├── CooperationError (ValueError)    a cooperation request or reference file is unusable
    │   └── ExchangeError                a package cannot be opened: altered, not for this
    │                                    key, or signed by a key not registered
    └── ReintegrationError (ValueError)  a needs instrument, an assessment's answers or a
                                         plan decision is unusable

The CLI turns any of these into one line on stderr and exit code 1.
"""

from __future__ import annotations


class JusticelinkError(Exception):
    """Root of every error justicelink raises on purpose."""


class MappingError(ValueError, JusticelinkError):
    """The mapping file (agencies.yaml) is malformed or names something that does not exist."""


class ExtractError(ValueError, JusticelinkError):
    """An extract cannot be read the way its mapping says."""


class SourceFileNotFoundError(FileNotFoundError, JusticelinkError):
    """A file named on the command line or in the mapping file does not exist."""


class WarehouseError(RuntimeError, JusticelinkError):
    """The warehouse cannot be opened, read or written."""


class TruthFileError(ValueError, JusticelinkError):
    """A truth file given to evaluate a result against is malformed."""


class LinkageError(ValueError, JusticelinkError):
    """A linkage input is unusable: a saved model, a review file or a record id."""


class ResourceLimitError(RuntimeError, JusticelinkError):
    """A job ran out of memory or disk space; the message says what to change."""


class MeasureError(ValueError, JusticelinkError):
    """Measures cannot be computed from this warehouse (e.g. its records are not linked)."""


class EvaluationError(ValueError, JusticelinkError):
    """A programme evaluation cannot start: a malformed participant file, an unknown programme."""


class StoreError(RuntimeError, JusticelinkError):
    """The operational store (users, sessions, audit log) cannot be opened or migrated."""


class UserError(ValueError, JusticelinkError):
    """A user account cannot be created or changed as asked (unknown role, name taken)."""


class RiskModelError(ValueError, JusticelinkError):
    """A risk model cannot be fitted (too few outcomes for the folds), read or applied."""


class AuthError(PermissionError, JusticelinkError):
    """A sign-in failed: unknown user, wrong password or code, account locked or disabled."""


class InputError(ValueError, JusticelinkError):
    """Typed text breaks a rule: a purpose too short, a common password, a control character."""


class CooperationError(ValueError, JusticelinkError):
    """A cooperation request, a register entry or a cooperation reference file is unusable."""


class ExchangeError(CooperationError):
    """A cooperation package cannot be packed or opened: altered, or a key is missing."""


class ReintegrationError(ValueError, JusticelinkError):
    """A needs instrument, an assessment's answers, a plan or a decision on it is unusable."""
