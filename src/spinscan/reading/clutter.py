"""Marking the lines of a text that are not the article: page clutter, in all 9 languages.

A person who copies a whole web page, or a simple scraper, gets menus, cookie and subscription
notices, share buttons, related-article lists, photo captions twice, "Advertisement",
comment-section notices and footers between the paragraphs. Each such line gets a reason:

- ``duplicate``: the line (8 words or more) repeats an earlier line, or is contained in one
  (a caption printed twice, a truncated second copy);
- ``boilerplate``: a notice every page of a site carries (advertisement, comments, cookies,
  subscribe, share, copyright, "read more"), matched as a whole short line;
- ``navigation``: outside the article's main run of prose. The run is the stretch of lines with
  the highest score, prose lines scoring their words and short or list-like lines a penalty (the
  maximum-sum segment of Finn et al.'s body-text extraction, by lines); on a clean article it
  is the whole text, so nothing is marked.

A marked line stays in the text (offsets unchanged); the analysis skips it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..types import Paragraph

DUPLICATE, BOILERPLATE, NAVIGATION = "duplicate", "boilerplate", "navigation"
REASONS = (DUPLICATE, BOILERPLATE, NAVIGATION)

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…:;\"”»'’)\]]\s*$")
MIN_DUPLICATE_WORDS = 8  # shorter repeats may be a slogan repeated on purpose (Repetition)
MAX_BOILERPLATE_WORDS = 14
PROSE_WORDS = 6  # a line of prose: this many words and a sentence end (or 20 words)
SHORT_PENALTY = 4.0  # score of a short or list-like line in the main-run search
TITLE_SLACK = 2  # lines before the main run that are still the title and standfirst
HEAD_LINES = 3  # lines of 4 words or more just above the run taken in (headline, standfirst, dateline)

# Whole-line notices, lower-cased, in the 9 languages (and the same words where sites use English).
_BOILERPLATE = [
    # advertisement
    r"(advertisement|advertising|sponsored( content)?|ad|ads|anzeige|werbung|publicit[ée]|annonce|"
    r"pubblicit[àa]|reklama|реклама|publicidad|anuncio|διαφήμιση|რეკლამა)",
    # comment sections
    r"(comments?|kommentare?|commentaires?|commenti|komentarze?|комментарии|comentarios|σχόλια)"
    r"( \(\d+\))?",
    r"(share or comment on this article:?|share this article|share (this )?(on|via) .*|share|tweet|"
    r"e-?mail|print|copy link|"
    r"teilen|partager|condividi|udostępnij|поделиться|compartir|κοινοποίηση|გაზიარება)",
    r"(follow us( on .*)?|folgen sie uns.*|suivez-nous.*|seguici.*|obserwuj nas.*|подписывайтесь.*|"
    r"síguenos.*|ακολουθήστε μας.*)",
    # cookies, accounts, subscriptions, newsletters
    r".*\b(we use cookies|uses cookies|cookie policy|cookie settings|accept (all )?cookies|"
    r"cookies? (akzeptieren|zustimmen)|nous utilisons des cookies|utilizziamo (i )?cookie|"
    r"używamy (plików )?cookies|мы используем (файлы )?cookie|utilizamos cookies)\b.*",
    r"(subscribe( now| today)?|sign in|sign up|log ?in|log out|register|create an account|"
    r"abonnieren|anmelden|s'abonner|abonnez-vous|se connecter|abbonati|accedi|zaloguj( się)?|"
    r"subskrybuj|подписаться|войти|suscríbete|iniciar sesión|εγγραφή|σύνδεση)",
    r".*\b(sign up for (our|the) .*newsletter|newsletter|subscribe to our)\b.*",
    # copyright and footers
    r"(©|\(c\)|copyright).*",
    r".*\ball rights reserved\b.*|.*\balle rechte vorbehalten\b.*|.*\btous droits réservés\b.*|"
    r".*\btutti i diritti riservati\b.*|.*\bwszelkie prawa zastrzeżone\b.*|.*\bвсе права защищены\b.*|"
    r".*\btodos los derechos reservados\b.*",
    r"(privacy policy|terms of (use|service)|contact us|about us|impressum|datenschutz|"
    r"mentions légales|politique de confidentialité|informativa sulla privacy|polityka prywatności|"
    r"политика конфиденциальности|política de privacidad|όροι χρήσης)",
    # related and further reading
    r"(read more|read next|more from .*|most popular( articles| videos)?|most read|"
    r"related( articles| stories)?|"
    r"recommended( for you)?|you may also like|trending( now)?|weiterlesen|mehr zum thema|lire aussi|"
    r"à lire aussi|leggi anche|czytaj (też|także|więcej)|читайте также|lee también|διαβάστε επίσης)",
    r"(advertisement - scroll to continue|scroll to continue with content|continue reading.*)",
    # comment metadata and teaser timestamps ("2 days ago at 07:52 am", "32M ago", "Rating: 36 Votes")
    r"(\d+\s*(s|m|h|d|min|mins|minutes?|hours?|days?|weeks?|months?)\s+ago\b.*|rating: \d+ votes?|"
    r"reply|like|report|vor \d+ (minuten|stunden|tagen)|il y a \d+ (min|minutes?|heures?|jours?)|"
    r"\d+ (minuti|ore|giorni) fa|\d+ (minut|godzin|dni) temu|\d+ (минут[уы]?|час(а|ов)?|дн(я|ей)) назад|"
    r"hace \d+ (minutos?|horas?|días?))",
]
# Lines after which a page's article has ended: its comment section, or the footer's copyright.
_END = re.compile(
    r"^\W*(\d+\s+)?(top rated comments|comments?|leave a (comment|reply)|join the (conversation|discussion)|"
    r"kommentare?|commentaires?|commenti|komentarze?|комментарии|comentarios|σχόλια|კომენტარები)"
    r"(\s*\(\d+\))?\W*$|^\W*(©|\(c\)|copyright\b).*|.*\ball rights reserved\b.*|"
    r"^\W*the comments below have not been moderated\b.*",
    re.IGNORECASE,
)
_BOILERPLATE_RE = re.compile(r"^\W*(?:" + "|".join(_BOILERPLATE) + r")\W*$", re.IGNORECASE)
# Whole-sentence notices of comment sections, matched at any length.
_NOTICE_RE = re.compile(
    r"^\W*(the comments below have not been moderated|the views expressed in the contents above are "
    r"those of our users|we are no longer accepting comments on this article|comments are closed|"
    r"die kommentarfunktion (ist|wurde) (geschlossen|deaktiviert)|les commentaires sont fermés|"
    r"i commenti sono chiusi|komentarze są wyłączone|комментарии (закрыты|отключены)|"
    r"los comentarios están cerrados)\b.*$",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _norm(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


def is_boilerplate(text: str) -> bool:
    """A whole-line notice (short lines only: a paragraph that mentions cookies is prose)."""
    t = text.strip()
    return bool(_NOTICE_RE.match(t)) or (
        len(words(t)) <= MAX_BOILERPLATE_WORDS and bool(_BOILERPLATE_RE.match(t))
    )


def is_prose(text: str) -> bool:
    """A line that reads like a paragraph of an article."""
    n = len(words(text))
    return n >= 20 or (n >= PROSE_WORDS and bool(_SENTENCE_END.search(text.strip())))


def duplicates(texts: Sequence[str]) -> set[int]:
    """Indexes of lines (8 words or more) that repeat an earlier line or lie inside one."""
    out: set[int] = set()
    seen: list[str] = []
    for i, t in enumerate(texts):
        n = _norm(t)
        if len(n.split()) >= MIN_DUPLICATE_WORDS and any(n == s or f" {n} " in f" {s} " for s in seen):
            out.add(i)
            continue
        seen.append(n)
    return out


def main_run(texts: Sequence[str], marked: set[int]) -> tuple[int, int]:
    """[first, last] index of the maximum-sum run of lines (prose scores its words)."""
    best, best_run = float("-inf"), (0, len(texts) - 1)
    cur, start = 0.0, 0
    for i, t in enumerate(texts):
        if i in marked:
            score = -1.0  # a notice inside the article costs little: it is marked on its own
        elif is_prose(t):
            score = float(len(words(t)))
        elif words(t) and t[-1] in ".!?…":
            score = 1.0  # a short sentence ("Why indeed."): prose too, if next to prose
        else:
            score = -SHORT_PENALTY
        if cur <= 0:
            cur, start = score, i
        else:
            cur += score
        if cur > best:
            best, best_run = cur, (start, i)
    return best_run


def _title_kept(texts: Sequence[str], first: int, reasons: dict[int, str]) -> bool:
    """Line 1 stays the title when the article's run starts near the top (a clean article's
    headline with a short lead and a source line above the body), not after a page's menus."""
    return first <= TITLE_SLACK + HEAD_LINES + 1 and len(words(texts[0])) >= 3 and 0 not in reasons


def mark_clutter(paragraphs: Sequence[Paragraph], page: bool = True) -> dict[int, str]:
    """line_no -> reason for each paragraph that is not the article's; the others are absent.

    ``page=False`` marks only duplicates and boilerplate: for text an extractor already cut
    out of a page, where looking for the article's main run again would only lose recall.
    """
    texts = [p.text.strip() for p in paragraphs]
    reasons: dict[int, str] = {}
    dup = duplicates(texts)
    boiler = {i for i, t in enumerate(texts) if is_boilerplate(t)}
    for i in boiler:
        reasons[i] = BOILERPLATE
    for i in dup - boiler:
        reasons[i] = DUPLICATE
    if page and any(is_prose(t) for t in texts):
        first, last = main_run(texts, set(reasons))
        # the article ends where, after its prose began, a comment section or the footer begins
        prose = [i for i in range(first, last + 1) if is_prose(texts[i]) and i not in reasons]
        ends = [i for i in range(prose[0] + 1, last + 1) if _END.match(texts[i])] if prose else []
        if ends:
            last = ends[0] - 1
        for _ in range(HEAD_LINES):  # the headline, standfirst or dateline just above the article
            if first == 0 or first - 1 in reasons or len(words(texts[first - 1])) < 4:
                break
            first -= 1
        if first <= TITLE_SLACK:  # the title (line 1) and a standfirst belong to the article
            first = 0
        before = list(range(first))
        if first and _title_kept(texts, first, reasons):  # the title, and its lead unless a short line
            before = [i for i in range(1, first) if len(words(texts[i])) < 4]
        for i in [*before, *range(last + 1, len(texts))]:
            reasons.setdefault(i, NAVIGATION)
    return {paragraphs[i].line_no: r for i, r in sorted(reasons.items())}
