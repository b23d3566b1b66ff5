"""Spec files as data: the bottom layer every kind of spec (scenario, trial, sensitivity) is read through.

* :func:`read_file` / :func:`parse_text`: TOML, YAML or JSON -> plain data, the same way for every kind
  (clock times stay 'HH:MM' strings, a size limit, syntax errors naming the file and line);
* :class:`SpecModel`: the immutable, closed pydantic record every spec model derives from;
* :func:`validate`: pydantic errors -> one SpecError in pnisim's message shape ("The 'dose' of exposure
  'lps_bolus' must be a number > 0 ng/kg. Got -5 instead.");
* :func:`did_you_mean`, :func:`show_value`, :func:`format_number`: the pieces of those messages;
* :func:`schema_document`, :func:`write_schema`: each kind's published JSON Schema.

It imports only :mod:`pnisim.errors` and third-party libraries, so every other layer may use it.
"""

from .messages import did_you_mean as did_you_mean, format_number as format_number, show_value as show_value
from .model import SpecModel as SpecModel
from .read import FORMATS as FORMATS, MAX_FILE_BYTES as MAX_FILE_BYTES, format_of as format_of
from .read import parse_text as parse_text, read_file as read_file
from .schema import schema_document as schema_document, write_schema as write_schema
from .validation import Locate as Locate, locate_plainly as locate_plainly, problem as problem
from .validation import validate as validate

__all__ = [
    "FORMATS", "MAX_FILE_BYTES", "Locate", "SpecModel", "did_you_mean", "format_number", "format_of",
    "locate_plainly", "parse_text", "problem", "read_file", "schema_document", "show_value", "validate",
    "write_schema",
]
