"""Every spinscan exception has one stable code, used alike by the CLI, the API and batch rows."""

from __future__ import annotations

import pytest

from spinscan import errors
from spinscan.errors import InputError, SpinscanError, UnsupportedLanguageError, error_code, error_dict


def test_every_error_class_has_its_own_stable_code():
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, SpinscanError)]
    codes = [c.code for c in classes]
    assert len(classes) >= 7 and len(set(codes)) == len(codes)
    assert all(c.isidentifier() and c == c.lower() for c in codes)
    assert UnsupportedLanguageError.code == "unsupported_language" and InputError.code == "invalid_input"


def test_error_dict_and_codes_of_foreign_exceptions():
    e = UnsupportedLanguageError("no", setting="lang")
    assert error_dict(e) == {"code": "unsupported_language", "message": "no"} and e.setting == "lang"
    assert error_code(ValueError("x")) == "internal_error"
    with pytest.raises(InputError):  # a subclass is still caught as its parent
        raise UnsupportedLanguageError("x")
