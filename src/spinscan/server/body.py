"""Reading a request's JSON body: UTF-8, parseable, and nested no deeper than an article needs.

The depth is measured before parsing: Python's JSON parser recurses, and a 2 KB body nested
a thousand deep would otherwise end in a RecursionError (a 500 with a traceback).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import ApiError

MAX_JSON_DEPTH = 20  # an article request nests 3 levels; deeper is a mistake or an attack
_JSON_MARKS = re.compile(rb'[\\"\[\]{}]')


def json_depth(body: bytes) -> int:
    """How deeply ``body``'s arrays and objects nest, read in one pass over its quotes,
    escapes and brackets without parsing, so that a body nested thousands deep never
    reaches the recursive parser."""
    depth = deepest = 0
    in_string = escaped = False
    last = -2
    for m in _JSON_MARKS.finditer(body):
        c, at = m.group(), m.start()
        if escaped and at == last + 1:  # the character after a backslash
            escaped = False
            continue
        escaped = False
        if c == b"\\":
            escaped, last = in_string, at
        elif c == b'"':
            in_string = not in_string
        elif not in_string:
            if c in (b"[", b"{"):
                depth += 1
                deepest = max(deepest, depth)
            else:
                depth -= 1
    return deepest


def json_body(body: bytes) -> Any:
    if json_depth(body) > MAX_JSON_DEPTH:
        raise ApiError(400, "invalid_json", f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ApiError(400, "invalid_utf8", f"the body is not UTF-8 (byte at offset {e.start})") from e
    except json.JSONDecodeError as e:
        raise ApiError(400, "invalid_json", f"the body is not JSON ({e.msg} at line {e.lineno})") from e
    except ValueError as e:  # a number of thousands of digits ("exceeds the limit ... conversion")
        raise ApiError(400, "invalid_json", f"the body is not usable JSON ({str(e)[:120]})") from e
    except RecursionError as e:  # (the depth check should have caught it)
        raise ApiError(400, "invalid_json", "the JSON body nests too deeply") from e
