"""Pages that declare no charset, in the languages and legacy charsets of the web before
UTF-8: each must read as written (``legacy_charset`` in crawler/runtime/middlewares.py),
with its ``<html lang>`` and without. Without one, Turkish in windows-1254 also reads as
windows-1252 ("açıkladı" as "açýkladý"), which a browser takes, and Hebrew in
windows-1255 reads best as Mac Greek to charset_normalizer: the language the text reads
as decides (``charset_of_text``)."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from crawler.capture.mirror import MirrorResponse, start_server
from crawler.runtime.middlewares import decoded_as_crawled
from qa.fixtures import run_crawl

TEXTS = {
    ("fr", "cp1252"): "Le café crème est très apprécié à Paris, où l’on déjeune tôt. Les élèves "
    "ont reçu leurs bulletins ; « c’est génial », dit-elle. Ça coûte cher, hélas, même en été.",
    ("es", "cp1252"): "El niño comió una manzana en el jardín con su señora madre. ¿Qué pasó "
    "después? La situación económica empeoró según el análisis del año pasado.",
    ("pt", "cp1252"): "A informação é pública e não há razão para preocupação, disse o ministro "
    "à imprensa. As eleições serão em março, após a votação.",
    ("it", "cp1252"): "La città è più bella di sera, perché le luci si accendono. Può darsi che "
    "piova; però il caffè è già pronto.",
    ("de", "cp1252"): "Der Bäcker öffnet früh, die Straße ist voller Menschen. Über die Brücke "
    "gehen täglich Tausende; „Schön“, sagt er.",
    ("en", "cp1252"): "The company’s chief executive said the deal was “a good one” — and that "
    "its €40 million price was fair… for now.",
    ("pl", "cp1250"): "Zażółć gęślą jaźń, powiedział żółw. Wczoraj w Łodzi odbyło się "
    "spotkanie, na którym omówiono sytuację gospodarczą kraju.",
    ("cs", "cp1250"): "Příliš žluťoučký kůň úpěl ďábelské ódy. Vláda včera schválila návrh "
    "zákona o státním rozpočtu na příští rok.",
    ("hu", "cp1250"): "Az őszi időjárás változékony, a hőmérséklet csökken. A kormány "
    "bejelentette, hogy új törvényt fogad el a jövő héten.",
    ("ru", "cp1251"): "Вчера в Москве прошло совещание, на котором обсуждалась экономическая "
    "ситуация в стране и перспективы развития.",
    ("ru", "koi8_r"): "Вчера в Москве прошло совещание, на котором обсуждалась экономическая "
    "ситуация в стране и перспективы развития.",
    ("el", "cp1253"): "Η κυβέρνηση ανακοίνωσε χθες νέα μέτρα για την οικονομία, σύμφωνα με το "
    "υπουργείο οικονομικών της χώρας.",
    ("tr", "cp1254"): "Hükümet dün ekonomiye yönelik yeni önlemleri açıkladı. İstanbul’da "
    "yağmur yağıyor; şehir trafiği çok yoğun.",
    ("ar", "cp1256"): "أعلنت الحكومة أمس عن إجراءات جديدة لدعم الاقتصاد الوطني وفقا لبيان صادر "
    "عن وزارة المالية.",
    ("he", "cp1255"): "הממשלה הודיעה אתמול על צעדים חדשים לתמיכה בכלכלה, לפי הודעה של משרד האוצר.",
    ("ja", "shift_jis"): "政府は昨日、経済を支援するための新たな措置を発表した。財務省の声明に"
    "よると、来年度の予算が増額される。",
    ("ja", "euc_jp"): "政府は昨日、経済を支援するための新たな措置を発表した。財務省の声明に"
    "よると、来年度の予算が増額される。",
    ("zh", "gb2312"): "政府昨天宣布了支持经济的新措施。根据财政部的声明，明年的预算将会增加。",
    ("zh", "big5"): "政府昨天宣佈了支持經濟的新措施。根據財政部的聲明，明年的預算將會增加。",
    ("ko", "euc_kr"): "정부는 어제 경제를 지원하기 위한 새로운 조치를 발표했다. 재무부의 "
    "성명에 따르면 내년 예산이 증가할 것이다.",
}


def page(text: str, lang: str | None) -> str:
    declared = f' lang="{lang}"' if lang else ""
    paragraphs = "".join(f"<p>{text}</p>" for _ in range(4))
    return (
        f"<!DOCTYPE html><html{declared}><head><title>{text[:30]}</title></head><body>"
        f'<div class="nav"><a href="/">Home</a></div><article><h1>{text[:40]}</h1>'
        f"{paragraphs}</article></body></html>"
    )


CASES = [
    pytest.param(
        lang,
        charset,
        with_lang,
        id=f"{lang}-{charset}-{'lang' if with_lang else 'no-lang'}",
    )
    for lang, charset in TEXTS
    for with_lang in (True, False)
]


@pytest.mark.parametrize(("lang", "charset", "with_lang"), CASES)
def test_a_page_declaring_no_charset_reads_as_written(lang, charset, with_lang):
    html = page(TEXTS[lang, charset], lang if with_lang else None)
    response = HtmlResponse("https://x.org/", body=html.encode(charset))
    assert decoded_as_crawled(response).text == html


def test_a_page_in_utf_16_is_read_through_the_crawl(tmp_path):
    """A page sent in UTF-16 with its byte order mark and no charset in its header: its
    markup's bytes are not ASCII's, and it was "not an article (plain_text)"."""
    texts = [TEXTS[(lang, "cp1252")] for lang in ("fr", "es", "de")]
    story = "".join(f"<p>{text}</p>" for text in texts)
    page = (
        "<html><head><title>Le café de Paris</title></head><body><article><h1>Le café de "
        f"Paris</h1>{story}</article></body></html>"
    )
    server = start_server(
        lambda target: MirrorResponse(200, {"Content-Type": "text/html"}, page.encode("utf-16"))
    )
    listed = tmp_path / "urls.txt"
    listed.write_text(f"http://127.0.0.1:{server.server_port}/2020/01/le-cafe/\n")
    try:
        result = run_crawl("archive", None, tmp_path, "-a", f"urls={listed}")
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.log[-3000:]
    [record] = [json.loads(line) for line in result.output.splitlines()]
    assert record["title"] == "Le café de Paris"
    assert record["body"].split("\n\n") == texts
