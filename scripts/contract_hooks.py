"""Imported by scripts/contract-check.sh into schemathesis before it runs.

On CPython 3.11 (Debian 12's Python) `ast.parse` can raise SystemError("AST constructor recursion depth
mismatch") when Hypothesis, deep inside a generator, reads a lambda's source to describe a strategy. The
description is only text for reports, so a failure to build it falls back to Hypothesis's own placeholder
instead of stopping the operation's tests.
"""

import sys

from hypothesis.internal import lambda_sources

if sys.version_info < (3, 12):
    _describe = lambda_sources._lambda_description

    def _lambda_description(f, *args, **kwargs):
        try:
            return _describe(f, *args, **kwargs)
        except SystemError:
            return "lambda: <unknown>"

    lambda_sources._lambda_description = _lambda_description
