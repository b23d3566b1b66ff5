"""Pydantic validation errors -> pnisim's one message shape.

"The 'dose' of exposure 'lps_bolus' (exposures[0]) must be a number > 0 ng/kg. Got -5 instead." Every kind of
spec reports its problems this way; a kind says where a field lives in its files through a ``locate`` function
(pydantic location -> field and owner) and which values its tagged unions accept through ``tags``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import SpecError, UnknownKeyError, WrongFormError
from .messages import did_you_mean, show_value

__all__ = ["Locate", "locate_plainly", "problem", "validate"]

#: (pydantic error location, the raw data, the noun of the spec) -> (field or None, owner), e.g.
#: ('dose', "exposure 'lps_bolus' (exposures[1])").
Locate = Callable[[tuple, Any, str], "tuple[str | None, str]"]
M = TypeVar("M", bound=BaseModel)


def locate_plainly(loc: tuple, raw: Any, noun: str) -> tuple[str | None, str]:
    """The dotted location as the field, owned by the spec as a whole."""
    return ".".join(str(p) for p in loc) or None, f"the {noun}"


_REQUIREMENT = {
    "int_type": "an integer", "int_parsing": "an integer", "int_from_float": "an integer",
    "float_type": "a number", "float_parsing": "a number", "finite_number": "a finite number",
    "string_type": "a text string", "bool_type": "true or false", "bool_parsing": "true or false",
    "list_type": "a list", "dict_type": "a table (mapping)", "model_type": "a table (mapping)",
    "model_attributes_type": "a table (mapping)",
}


def problem(err: dict, raw: Any, *, noun: str, locate: Locate = locate_plainly,
            tags: tuple[str, ...] = ()) -> tuple[type[SpecError], str, BaseException | None]:
    """(exception class, message, original exception to re-raise as is) for one pydantic error."""
    orig = (err.get("ctx") or {}).get("error")
    if isinstance(orig, SpecError):
        return type(orig), str(orig), orig
    field, owner = locate(err["loc"], raw, noun)
    subject = f"The {field!r} of {owner}" if field else owner[0].upper() + owner[1:]
    got = f"Got {show_value(err.get('input'))} instead."
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if isinstance(orig, UnknownKeyError):
        where = f"at the top level of the {noun}" if owner == f"the {noun}" and not field else f"in {owner}"
        if field:
            where = f"in the {field!r} of {owner}"
        return SpecError, (f"Unknown key {show_value(orig.key)} {where}.{did_you_mean(orig.key, orig.allowed)} "
                           f"Allowed keys: {', '.join(orig.allowed)}."), None
    if isinstance(orig, WrongFormError):
        return SpecError, f"{subject} must be {orig.allowed}. {got}", None
    if kind == "missing":
        return SpecError, f"{subject} is required but missing.", None
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        options = list(tags) or re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        if kind == "union_tag_not_found":
            return SpecError, f"The 'type' of {owner} is required: one of {', '.join(options)}. {got}", None
        tag = ctx.get("tag")
        return SpecError, (f"The 'type' of {owner} must be one of {', '.join(options)}. Got {tag!r} instead."
                           f"{did_you_mean(tag, options)}"), None
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(err.get("input"), options) if isinstance(err.get("input"), str) else ""
        return SpecError, f"{subject} must be one of {', '.join(options)}. {got}{hint}", None
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
    if kind in bounds:
        limit = next(iter(ctx.values()))
        what = "an integer" if isinstance(limit, int) and isinstance(err.get("input"), int) else "a number"
        return SpecError, f"{subject} must be {what} {bounds[kind]} {show_value(limit)}. {got}", None
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length", ctx.get("max_length"))
        word = "at least" if kind == "too_short" else "at most"
        return SpecError, f"{subject} must have {word} {n} item(s). {got}", None
    if kind in _REQUIREMENT:
        return SpecError, f"{subject} must be {_REQUIREMENT[kind]}. {got}", None
    return SpecError, f"{subject} is invalid ({err.get('msg')}). {got}", None


def validate(cls: type[M], data: Any, *, noun: str, keys: str, source: str | None = None,
             locate: Locate = locate_plainly, tags: tuple[str, ...] = ()) -> M:
    """Validate a mapping into the spec class ``cls``; every problem becomes one SpecError (or UnitError /
    ResourceLimitError) naming the field, the owner, what is allowed and the value. ``keys`` lists the
    top-level keys for the message about data that is not a table; ``source`` (a file name) prefixes messages."""
    prefix = f"{source}: " if source else ""
    if not isinstance(data, Mapping):
        raise SpecError(f"{prefix}A {noun} must be a table of keys ({keys}). Got {type(data).__name__} instead.")
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        found = [problem(err, data, noun=noun, locate=locate, tags=tags) for err in exc.errors(include_url=False)]
    if len(found) == 1:
        err_cls, msg, orig = found[0]
        if orig is not None and not prefix:
            raise orig from None
        raise err_cls(prefix + msg) from None
    classes = {c for c, _, _ in found}
    err_cls = classes.pop() if len(classes) == 1 else SpecError
    lines = "\n".join(f"  - {m}" for _, m, _ in found[:20])
    raise err_cls(f"{prefix}The {noun} has {len(found)} problems:\n{lines}") from None
