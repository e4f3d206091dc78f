"""Tables whose row names stay whole at 80 columns.

Rich shares out a narrow terminal by shrinking every column and cutting what does not fit
with "…", so ``outletA`` and ``outletB`` both became ``outl…``. Here the first column (what
tells the rows apart) is given the width of its longest name, up to :data:`MAX_NAME`, and every
cell folds onto a further line instead of being cut.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Column, Table
from rich.text import Text

MAX_NAME = 45  # the longest label name ("Legality_Constitutionality_and_jurisprudence")


def names_table(first: str, *heads: str, names: Iterable[str | Text] = (), **kw) -> Table:
    """A table of ``first`` + ``heads`` whose first column fits every one of ``names``."""
    longest = max([len(str(n)) for n in names] + [len(first), 1])
    columns = [Column(first, min_width=min(longest, MAX_NAME), overflow="fold")]
    columns += [Column(h, overflow="fold") for h in heads]
    return Table(*columns, **kw)
