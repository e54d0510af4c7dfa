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
    word = str.__new__(Word, problem.detail)  # its parameters may be named as Word's own
    word.template, word.params, word.context = problem.template, dict(problem.params), None
    return word


def problem_word(problem: Problem) -> Word:
    """One problem as "code: detail" (the code stays as it is)."""
    return W_("%(code)s: %(detail)s", code=problem.code, detail=detail_word(problem))


def problems_word(problems: Sequence[Problem]) -> Word:
    """``problems`` as "code: detail", joined by "; "."""
    joined = problem_word(problems[0])
    for more in problems[1:]:
        joined = W_("%(first)s; %(second)s", first=joined, second=problem_word(more))
    return joined


def details_word(problems: Sequence[Problem]) -> str:
    """``problems``' details alone, joined by "; " ("" when there is none)."""
    if not problems:
        return ""
    joined = detail_word(problems[0])
    for more in problems[1:]:
        joined = W_("%(first)s; %(second)s", first=joined, second=detail_word(more))
    return joined


def refusal(code: str, problems: Sequence[Problem]) -> Rejected:
    """A refusal with ``code`` whose detail lists ``problems``, in the reader's language."""
    word = problems_word(problems)
    rejected = Rejected(code, str(word))
    rejected.template, rejected.params = word.template, dict(word.params)
    return rejected
