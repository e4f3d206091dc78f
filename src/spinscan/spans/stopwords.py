"""Function words of the nine languages: a span made only of them persuades no one.

Small closed-class lists (articles, pronouns, prepositions, conjunctions, auxiliaries and
particles), enough to tell a lone "the", "of it" or "и в" from a phrase. Keys are spinscan's
language codes; a span of an unknown language is checked against all lists.
"""

from __future__ import annotations

import re

_WORDS = {
    "en": """a an the and or but nor so yet if then than that this these those there here it its
        it's i me my we us our you your he him his she her they them their who whom whose which
        what when where why how is are was were be been being am do does did done have has had
        will would shall should can could may might must of to in on at by for with from into
        onto upon about as out up off over under not no also just only very too even all any
        some such each both either neither every own same other more most much many s t""",
    "fr": """le la les l un une des du de d au aux et ou mais donc or ni car que qu qui quoi dont
        où ce cet cette ces c ça cela ceci il ils elle elles on je j me m moi tu te t toi nous
        vous se s lui leur leurs eux son sa ses mon ma mes ton ta tes notre nos votre vos est
        sont était étaient être été a ai as avons avez ont avait avaient avoir eu fait en dans
        sur sous par pour avec sans chez vers entre ne pas plus y si aussi très tout tous toute
        toutes même""",
    "ge": """der die das den dem des ein eine einer eines einem einen und oder aber doch sondern
        denn dass daß ob wenn als wie so auch nur noch schon sehr ich mich mir du dich dir er
        sie es ihn ihm ihr ihre ihren ihrem ihres wir uns euch sein seine seinen seinem seiner
        ist sind war waren bin bist seid wird werden wurde wurden worden hat haben hatte hatten
        kann können muss müssen soll sollen will wollen von zu zum zur in im an am auf aus bei
        mit nach seit über unter vor für gegen durch um nicht kein keine man sich dies diese
        dieser dieses jene""",
    "it": """il lo la i gli le l un uno una un' e ed o od ma però che chi cui non né se come
        anche più già molto di del dello della dei degli delle d a al allo alla ai agli alle
        da dal dallo dalla dai dagli dalle in nel nello nella nei negli nelle con col su sul
        sullo sulla sui sugli sulle per tra fra io tu lui lei noi voi loro mi ti si ci vi ne
        suo sua suoi sue mio mia è sono era erano essere stato stata ha ho hanno aveva avere
        questo questa questi queste quello quella""",
    "po": """i a o u w we z ze na do od po za przez przy pod nad dla bez przed oraz albo lub
        ale lecz czy że żeby by bo jak jako gdy gdyż jeśli nie tak też także już jeszcze tylko
        bardzo to ten ta te tego tej tych tym temu który która które którzy jest są był była
        było byli były być będzie będą ma mają miał ja ty on ona ono my wy oni one mnie mi
        go mu jej ich im się sobie jego nas was""",
    "ru": """и а но или да же ли бы не ни в во на с со к ко у о об от до из за по под над при
        про для без через между что чтобы как так то это этот эта эти тот та те который
        которая которые кто где когда если уже ещё еще только очень тоже также я ты он она
        оно мы вы они меня мне его ему её ее ей их им нас нам вас вам себя себе свой своя
        свои был была было были быть есть будет будут""",
    "es": """el la los las lo un una unos unas y e o u ni pero sino que quien quienes cual cuyo
        donde cuando como si no ya muy más también de del a al en con por para sin sobre
        entre hasta desde hacia yo tú él ella nosotros vosotros ellos ellas me te se nos os le
        les su sus mi mis tu tus es son era eran ser fue fueron sido ha han había haber está
        están este esta estos estas ese esa""",
    "gr": """ο η το οι τα του της των τον την τους τις ένας μια μία ένα ενός μιας και κι ή αλλά
        όμως ότι πως που αν όταν ενώ γιατί δεν μη μην να θα σε στο στη στην στον στα στους στις
        από με για προς κατά μετά χωρίς ως εγώ εσύ αυτός αυτή αυτό αυτοί αυτές αυτά μου σου
        του μας σας τους είναι ήταν είμαι έχει έχουν είχε πολύ πιο επίσης""",
    "ka": """და ან მაგრამ თუ რომ როგორც როცა როდესაც არ ვერ ნუ ეს ის ეგ ამ იმ ამის იმის მე შენ
        ჩვენ თქვენ ისინი მისი მათი ჩემი შენი არის იყო იქნება აქვს ჰქონდა უნდა კი ხომ ც
        მიერ შესახებ შემდეგ გამო მერე ასევე ძალიან უფრო""",
}
STOPWORDS: dict[str, frozenset[str]] = {k: frozenset(v.split()) for k, v in _WORDS.items()}
_ALL = frozenset().union(*STOPWORDS.values())
_WORD = re.compile(r"\w+(?:['’]\w+)?")


def content_words(text: str, lang: str | None = None) -> list[str]:
    """The words of ``text`` that are not function words (numbers count as content)."""
    stop = STOPWORDS.get(lang or "", _ALL)
    return [w for w in _WORD.findall(text) if w.lower() not in stop]


def has_content(text: str, lang: str | None = None) -> bool:
    """Does ``text`` hold a word that is not a function word? ("the", "и в", "—" do not.)"""
    return bool(content_words(text, lang))
