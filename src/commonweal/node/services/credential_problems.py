"""A credential's problems said to a person, in their language (docs/languages.md).

``core/vc`` says each problem in English with its template and parameters
(``CredentialError``); a refusal that shows them to a person (a visitor presenting
their membership) joins them as "code: detail; …" in words the web edge translates:
each detail is a :class:`~commonweal.domain.words.Word`, so the problem document says
it in the reader's language, and ``detail_en`` keeps the English.
"""

from __future__ import annotations

from collections.abc import Sequence

from commonweal.core.vc.verify import Problem
from commonweal.domain.words import W_, Word
from commonweal.node.kernel.errors import Rejected


def detail_word(problem: Problem) -> str:
    """One problem's detail, a Word said in the reader's language (a detail without a
    template, said by something else, as it is)."""
    if problem.template is None:
        return problem.detail
    return Word(problem.template, None, **problem.params)


def problems_word(problems: Sequence[Problem]) -> Word:
    """``problems`` as "code: detail", joined by "; " (the codes stay as they are)."""
    said = [W_("%(code)s: %(detail)s", code=p.code, detail=detail_word(p)) for p in problems]
    joined = said[0]
    for more in said[1:]:
        joined = W_("%(first)s; %(second)s", first=joined, second=more)
    return joined


def refusal(code: str, problems: Sequence[Problem]) -> Rejected:
    """A refusal with ``code`` whose detail lists ``problems``, in the reader's language."""
    word = problems_word(problems)
    rejected = Rejected(code, str(word))
    rejected.template, rejected.params = word.template, dict(word.params)
    return rejected
