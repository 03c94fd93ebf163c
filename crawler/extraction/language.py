"""The language an article is written in, from its text (py3langid), for pages whose
markup says nothing or says another language than the text's.

A page's ``<html lang>`` is often its template's: WordPress and many CMSs print
``lang="en-US"`` whatever language the editors write in. On the 378 records of the two
real-page corpora, 57 pages declared no language and 14 declared one their text is
clearly not in (Spanish, Romanian, Thai, Arabic, Georgian pages declaring English;
English pages of a German edition declaring German).

The text decides only when it is long enough and clearly prefers another language:
by more than :data:`MARGIN` of log-probability per character, a margin that separates
those pages from close neighbours the model confuses (Indonesian and Malay, Bosnian and
Croatian: 0.02 per character) and from a paywall's *lorem ipsum* filler under a German
page's ``lang="de"`` (0.54: the record's language is the article's, not its filler's).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

MIN_CHARACTERS = 200
"""Shorter texts keep the page's declaration, or none: too little to tell languages apart."""
MAX_CHARACTERS = 3000
"""The text read: its first half page tells its language as well as all of it, and the
model reads it byte by byte in Python (about 1 ms for this much)."""
MARGIN = 0.8
"""Log-probability per character by which the text must prefer another language over the
declared one."""


@cache
def identifier() -> LanguageIdentifier:
    """py3langid's model, loaded once per process (about 0.1 s), on the first page that
    needs it: a site profile that knows its language never loads it."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=False)


def text_language(text: str, declared: str | None) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in: ``declared`` (the
    page's own, already a code) unless the text is long enough and clearly in another.

    >>> spanish = "Los pescadores de la región gestionarán la cría de peces en el río. " * 4
    >>> text_language(spanish, "en"), text_language(spanish, None), text_language(spanish, "es")
    ('es', 'es', 'es')
    >>> text_language("Muy corto.", "en"), text_language("Muy corto.", None)
    ('en', None)
    """
    if len(text) < MIN_CHARACTERS:
        return declared
    text = text[:MAX_CHARACTERS]
    scores = language_scores(text)
    detected = max(scores, key=scores.__getitem__)
    if declared is None or declared not in scores:
        return detected if declared is None else declared
    margin = (scores[detected] - scores[declared]) / len(text)
    return detected if margin > MARGIN else declared


def language_scores(text: str) -> dict[str, float]:
    """Each language's log-probability of ``text`` (py3langid's naive Bayes scores, as
    its ``rank`` computes them before normalising). The product of the text's feature
    counts and the model's matrix is summed over the features the text has, in NumPy's
    element-wise loops: ``rank``'s ``np.dot`` goes to OpenBLAS, whose threads spin on
    every core for each call (35 ms of CPU a page on two cores, for 3 ms of work).

    >>> scores = language_scores("Der Hund schläft im Garten, und die Katze sitzt am Fenster.")
    >>> max(scores, key=scores.__getitem__), len(scores)
    ('de', 97)
    """
    model = identifier()
    counts = model.instance2fv(text)
    present = counts.nonzero()[0]
    products = model.nb_ptc[present] * counts[present, None]
    totals = products.sum(axis=0) + model.nb_pc
    return dict(zip(model.nb_classes, totals.tolist(), strict=True))
