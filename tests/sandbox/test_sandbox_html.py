"""Telegram's HTML parse mode and text rules, checked without a server."""

from __future__ import annotations

import pytest

from sandbox.errors import ApiError
from sandbox.formatting import command_entities, format_text
from sandbox.html import HtmlParseError, parse_html, utf16_len


def test_valid_html_gives_visible_text_and_entities() -> None:
    text, entities = parse_html('<b>粗</b> <i>it</i> <a href="https://example.com">link</a>')
    assert text == "粗 it link"
    assert entities == [
        {"type": "bold", "offset": 0, "length": 1},
        {"type": "italic", "offset": 2, "length": 2},
        {"type": "text_link", "offset": 5, "length": 4, "url": "https://example.com/"},
    ]


def test_entities_are_decoded_and_stray_ampersand_is_text() -> None:
    text, entities = parse_html("a &lt;b&gt; &amp; &quot;q&quot; &#20013;&#x6587; & &nbsp; &lt")
    assert text == 'a <b> & "q" 中文 & &nbsp; <'
    assert entities == []


def test_offsets_are_utf16_code_units() -> None:
    text, entities = parse_html("😀 <b>é😀</b>")
    assert text == "😀 é😀"
    assert entities == [{"type": "bold", "offset": 3, "length": 3}]
    assert utf16_len(text) == 6


def test_pre_with_language_code_and_spoiler_and_blockquote() -> None:
    source = (
        '<pre><code class="language-python">x = 1</code></pre>'
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>'
        "<blockquote expandable>q</blockquote><code>c</code>"
    )
    text, entities = parse_html(source)
    assert text == "x = 1stqc"
    assert [e["type"] for e in entities] == [
        "pre", "spoiler", "spoiler", "expandable_blockquote", "code",
    ]  # fmt: skip
    assert entities[0]["language"] == "python"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Hello there <foo>x</foo>", 'Unsupported start tag "foo" at byte offset 12'),
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        (
            "<b><i>x</b></i>",
            'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
        ),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("a <b", "Unclosed start tag at byte offset 2"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("中<foo>", 'Unsupported start tag "foo" at byte offset 3'),
    ],
)
def test_invalid_html_is_refused_with_telegrams_words(source: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value) == message


def test_format_text_limits_and_trimming() -> None:
    assert format_text("  <b> hi </b>\n", "HTML", None) == (
        "hi",
        [{"type": "bold", "offset": 0, "length": 2}],
    )
    with pytest.raises(ApiError, match="message text is empty"):
        format_text("<b></b>", "HTML", None)
    with pytest.raises(ApiError, match="message is too long"):
        format_text("x" * 4097, None, None)
    assert format_text("<b>" + "x" * 4096 + "</b>", "html", None)[0] == "x" * 4096
    with pytest.raises(ApiError, match="message caption is too long"):
        format_text("x" * 1025, None, None, caption=True)
    with pytest.raises(ApiError) as caught:
        format_text("<foo>", "HTML", None)
    assert caught.value.description == (
        'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0'
    )


def test_command_entities() -> None:
    assert command_entities("/start payload") == [
        {"type": "bot_command", "offset": 0, "length": 6}
    ]
    assert command_entities("see /help@zhaoshang_sandbox_bot now")[0]["length"] == 27
    assert command_entities("a/b and http://x/y") == []
