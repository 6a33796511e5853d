"""The reply as WeCom messages: text or markdown within their byte limits (CJK text counted
in UTF-8 bytes), the markdown subset, template cards with the callback data as keys, more
than 6 buttons behind "更多", URL buttons, and documents to upload."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.wecom.render import (
    BUTTON_LIMIT,
    MARKDOWN_LIMIT,
    TEXT_LIMIT,
    Upload,
    media_message,
    messages,
    new_task_id,
    plain_text,
    render,
    render_card,
    to_markdown,
    utf8_len,
)
from conversations.replies import Button, Document, Reply, keyboard

# -- text and markdown ----------------------------------------------------------------------


def test_plain_html_is_a_text_message() -> None:
    (message,) = messages("项目 &lt;甲&gt; &amp; 乙\n第二行")
    assert message == {"msgtype": "text", "text": {"content": "项目 <甲> & 乙\n第二行"}}


def test_a_link_in_plain_text_reads_text_then_url() -> None:
    html = '详见 <a href="https://example.cn/p/1">项目页</a>，或 <a href="https://x.cn">https://x.cn</a>'
    assert plain_text(html) == "详见 项目页 (https://example.cn/p/1)，或 https://x.cn"
    (message,) = messages(html)
    assert message["msgtype"] == "text"


def test_a_link_with_formatting_inside_names_its_url_once_in_plain_text() -> None:
    html = '<a href="https://u.cn"><b>甲</b>公司</a>'
    assert plain_text(html) == "甲公司 (https://u.cn)"


def test_formatting_makes_markdown() -> None:
    html = (
        "📝 <b>项目评审 · 经济</b>\n"
        '投资方：<a href="https://example.cn">甲公司</a>\n'
        "↩️ <i>已退回清新区，按钮已收起。</i>\n"
        "命令 <code>apt-get install fonts-noto-cjk</code>\n"
        "<blockquote>引用一\n引用二</blockquote>"
    )
    (message,) = messages(html)
    assert message["msgtype"] == "markdown"
    assert message["markdown"]["content"] == (
        "📝 **项目评审 · 经济**\n"
        "投资方：[甲公司](https://example.cn)\n"
        '↩️ <font color="comment">已退回清新区，按钮已收起。</font>\n'
        "命令 `apt-get install fonts-noto-cjk`\n"
        "> 引用一\n"
        "> 引用二"
    )


def test_markdown_keeps_spaces_outside_the_markers_and_nests() -> None:
    assert to_markdown("a<b> 粗 </b>b") == "a **粗** b"
    assert to_markdown('<b>总额 <a href="https://u.cn">详情</a></b>') == (
        "**总额** **[详情](https://u.cn)**"
    )
    assert to_markdown("<b><i>x</i></b>") == '**<font color="comment">x</font>**'


def test_bold_across_lines_is_closed_and_reopened_on_each_line() -> None:
    assert to_markdown("<b>一\n\n二</b>") == "**一**\n\n**二**"


def test_a_multiline_pre_is_inline_code_on_each_line() -> None:
    # WeCom's markdown: 行内代码段(暂不支持跨行).
    assert to_markdown("<pre>line 1\nline 2</pre>") == "`line 1`\n`line 2`"


def test_unknown_tags_keep_their_text() -> None:
    (message,) = messages("<u>下划线</u> <s>删除</s> <tg-spoiler>剧透</tg-spoiler>")
    assert message == {"msgtype": "text", "text": {"content": "下划线 删除 剧透"}}


def _contents(ms: list[dict[str, object]]) -> list[str]:
    out = []
    for m in ms:
        kind = m["msgtype"]
        assert isinstance(kind, str)
        body = m[kind]
        assert isinstance(body, dict)
        out.append(body["content"])
    return out


def test_a_long_cjk_text_is_cut_at_line_ends_within_2048_bytes() -> None:
    lines = [f"第{i:02d}条：" + "评审意见" * 20 for i in range(60)]  # ~260 bytes a line
    parts = _contents(messages("\n".join(lines)))
    assert len(parts) > 1
    assert all(utf8_len(p) <= TEXT_LIMIT for p in parts)
    assert len("\n".join(lines)) < TEXT_LIMIT * len(parts)  # characters alone would fit fewer
    # cut at line ends only: every part is whole lines, and nothing is lost
    assert "\n".join(parts).split("\n") == lines
    # and each part is as full as the next line allows
    for part, following in itertools.pairwise(parts):
        first_next = following.split("\n")[0]
        assert utf8_len(part) + 1 + utf8_len(first_next) > TEXT_LIMIT


def test_a_line_longer_than_the_limit_is_cut_between_characters() -> None:
    line = "中" * 1000  # 3000 bytes
    parts = _contents(messages(line))
    assert [utf8_len(p) for p in parts] == [2046, 954]  # 682 characters of 3 bytes, the rest
    assert "".join(parts) == line


def test_long_markdown_stays_within_its_limit_with_markers_on_every_part() -> None:
    html = "<b>" + "粗体" * 600 + "</b>\n" + "\n".join(f"<i>第{i}行</i>" for i in range(300))
    parts = _contents(messages(html))
    assert len(parts) > 2
    assert all(utf8_len(p) <= MARKDOWN_LIMIT for p in parts)
    assert parts[0].startswith("**") and parts[0].endswith("**")
    first_line = parts[1].split("\n")[0]
    assert first_line.startswith("**") and first_line.endswith("**")
    assert re.sub(r"\*\*", "", parts[0] + first_line) == "粗体" * 600


def test_blank_lines_at_a_parts_ends_are_dropped() -> None:
    html = ("甲" * 600 + "\n\n") * 3
    parts = _contents(messages(html))
    assert all(p == p.strip("\n") and p for p in parts)


# -- cards ------------------------------------------------------------------------------------


REVIEW = (
    "📝 <b>项目评审 · 经济</b>\n"
    "QX-2025-001 清新区智能装备产业园\n"
    "投资方：甲公司 · 行业：装备制造\n"
    "评审截止：5月20日（第1轮）"
)


def _review_buttons() -> tuple[tuple[Button, ...], ...]:
    return keyboard(
        [
            Button("✅ 同意", data="rv:agree:12"),
            Button("☑️ 有条件同意", data="rv:cond:12"),
            Button("❌ 不同意", data="rv:no:12"),
            Button("📄 查看计划书", url="https://example.cn/plan/12"),
        ]
    )


def test_a_reply_with_buttons_is_a_button_interaction_card() -> None:
    reply = Reply(REVIEW, buttons=_review_buttons(), card="pr:12")
    rendered = render(reply)
    (part,) = rendered.parts
    assert part == {"msgtype": "template_card", "template_card": rendered.card}
    card = rendered.card
    assert card is not None
    assert card["card_type"] == "button_interaction"
    assert card["main_title"] == {"title": "📝 项目评审 · 经济"}
    assert card["sub_title_text"] == (
        "QX-2025-001 清新区智能装备产业园\n"
        "投资方：甲公司 · 行业：装备制造\n"
        "评审截止：5月20日（第1轮）"
    )
    assert card["task_id"] == rendered.task_id
    assert rendered.task_id is not None and rendered.task_id.startswith("pr-12-")
    assert not rendered.overflow
    assert card["button_list"] == [
        {"type": 0, "text": "✅ 同意", "key": "rv:agree:12"},
        {"type": 0, "text": "☑️ 有条件同意", "key": "rv:cond:12"},
        {"type": 0, "text": "❌ 不同意", "key": "rv:no:12"},
        {"type": 1, "text": "📄 查看计划书", "url": "https://example.cn/plan/12"},
    ]


def test_every_buttons_key_is_its_callback_data() -> None:
    buttons = [Button(f"选项{i}", data=f"cb:{i}:{'x' * 50}") for i in range(6)]
    card = render(Reply("标题", buttons=keyboard(buttons, per_row=3))).card
    assert card is not None
    assert [b["key"] for b in card["button_list"]] == [b.data for b in buttons]


def test_a_mini_app_button_is_not_offered_in_wecom() -> None:
    """The Mini App signs in with Telegram's initData: opened from WeCom it would refuse."""
    board = Button("📊 看板", web_app="https://mini.example.cn/board")
    card = render(Reply("标题", buttons=((board, Button("✅ 确认", data="ok:1")),))).card
    assert card is not None
    assert card["button_list"] == [{"type": 0, "text": "✅ 确认", "key": "ok:1"}]
    assert render(Reply("标题", buttons=((board,),))).card is None, "no buttons: no card"


def test_button_text_is_plain_and_within_ten_characters() -> None:
    card = render(
        Reply("标题", buttons=((Button("&lt;提请组长作出结论并通知全部单位&gt;", data="k"),),))
    ).card
    assert card is not None
    (button,) = card["button_list"]
    assert button["text"] == "<提请组长作出结论…"
    assert len(button["text"]) == 10


def test_more_than_six_buttons_put_the_rest_behind_more() -> None:
    buttons = [Button(f"按钮{i}", data=f"b:{i}") for i in range(9)]
    rendered = render(Reply("标题", buttons=keyboard(buttons)), more_key="more:pr:12")
    assert rendered.card is not None
    listed = rendered.card["button_list"]
    assert len(listed) == BUTTON_LIMIT
    assert [b["key"] for b in listed] == ["b:0", "b:1", "b:2", "b:3", "b:4", "more:pr:12"]
    assert listed[-1]["text"] == "更多"
    assert rendered.hidden == tuple(buttons[5:])


def test_more_than_six_buttons_may_open_the_mini_app_instead() -> None:
    buttons = [Button(f"按钮{i}", data=f"b:{i}") for i in range(7)]
    rendered = render(
        Reply("标题", buttons=keyboard(buttons)),
        more_url="https://mini.example.cn/p/12",
        more_text="More",
    )
    assert rendered.card is not None
    assert rendered.card["button_list"][-1] == {
        "type": 1,
        "text": "More",
        "url": "https://mini.example.cn/p/12",
    }
    assert rendered.hidden == tuple(buttons[5:])


def test_more_than_six_buttons_without_a_more_action_is_refused() -> None:
    buttons = [Button(f"按钮{i}", data=f"b:{i}") for i in range(7)]
    with pytest.raises(ValueError, match="more_key or more_url"):
        render(Reply("标题", buttons=keyboard(buttons)))


def test_exactly_six_buttons_need_no_more() -> None:
    buttons = [Button(f"按钮{i}", data=f"b:{i}") for i in range(6)]
    rendered = render(Reply("标题", buttons=keyboard(buttons)))
    assert rendered.card is not None
    assert len(rendered.card["button_list"]) == 6
    assert rendered.hidden == ()


def test_a_repeated_callback_data_keeps_its_first_button() -> None:
    buttons = ((Button("甲", data="same"), Button("乙", data="same"), Button("丙", data="c")),)
    card = render(Reply("标题", buttons=buttons)).card
    assert card is not None
    assert [b["text"] for b in card["button_list"]] == ["甲", "丙"]


def test_a_long_title_is_cut_and_the_body_keeps_the_whole_line() -> None:
    title = "关于清新区智能装备产业园项目的第一轮评审意见汇总与下一步工作具体安排的补充通知"
    assert len(title) > 36
    rendered = render(Reply(f"{title}\n正文", buttons=((Button("好", data="ok"),),)))
    assert rendered.card is not None
    assert len(rendered.card["main_title"]["title"]) == 36
    assert rendered.card["main_title"]["title"].endswith("…")
    assert rendered.card["sub_title_text"].startswith(title)


def test_a_text_too_long_for_the_card_goes_before_it_whole() -> None:
    body = "\n".join(f"{i}. 第{i}个评审单位：同意，建议加快用地报批。" for i in range(1, 15))
    html = f"📋 <b>评审进度</b>\n{body}"
    rendered = render(Reply(html, buttons=((Button("🔔 催办全部", data="urge:all"),),)))
    assert rendered.overflow
    lead, card_part = rendered.parts
    assert isinstance(lead, dict) and isinstance(card_part, dict)
    assert lead["msgtype"] == "markdown"
    assert lead["markdown"]["content"] == to_markdown(html)
    assert card_part["template_card"] is rendered.card
    assert rendered.card is not None
    sub = rendered.card["sub_title_text"]
    assert len(sub) == 160 and sub.endswith("…")


def test_the_card_fields_are_plain_text() -> None:
    html = '<b>标题</b> &amp; 副\n<i>说明</i> <a href="https://u.cn">链接</a>'
    card = render(Reply(html, buttons=((Button("好", data="ok"),),))).card
    assert card is not None
    assert card["main_title"]["title"] == "标题 & 副"
    assert card["sub_title_text"] == "说明 链接 (https://u.cn)"


def test_task_ids_are_unique_and_in_the_allowed_characters() -> None:
    ids = {new_task_id("pr:12") for _ in range(100)} | {new_task_id(None) for _ in range(100)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[0-9A-Za-z_\-@]{1,128}", i) for i in ids)
    assert new_task_id("项目 卡片:" + "x" * 200).startswith("x")
    assert len(new_task_id("a" * 500).encode()) <= 128


def test_a_given_task_id_is_kept_and_checked() -> None:
    reply = Reply("标题", buttons=((Button("好", data="ok"),),))
    assert render(reply, task_id="outbox-42@1").task_id == "outbox-42@1"
    with pytest.raises(ValueError, match="task_id"):
        render(reply, task_id="no spaces")
    with pytest.raises(ValueError, match="task_id"):
        render(reply, task_id="x" * 129)


def test_a_cards_last_state_greys_its_buttons_out() -> None:
    card = render_card(
        "⬇️ <i>此卡片已由下方的新卡片取代，按钮已收起。</i>",
        (),
        task_id="pr-12-abc",
        replace_text="已更新",
    )
    assert card.card == {
        "card_type": "button_interaction",
        "main_title": {"title": "⬇️ 此卡片已由下方的新卡片取代，按钮已收起。"},
        "task_id": "pr-12-abc",
        "replace_text": "已更新",
    }
    with pytest.raises(ValueError, match="replace_text"):
        render_card("x", (), task_id="t")


# -- documents -------------------------------------------------------------------------------


def test_a_document_is_uploaded_then_sent_then_its_caption() -> None:
    doc = Document("评审意见表.docx", content=b"PK...", mime_type="application/msword")
    rendered = render(Reply("📎 <b>评审意见表</b>", document=doc))
    upload, caption = rendered.parts
    assert upload == Upload("评审意见表.docx", b"PK...", "file", "application/octet-stream")
    assert isinstance(upload, Upload)
    assert upload.message("MEDIA-1") == {"msgtype": "file", "file": {"media_id": "MEDIA-1"}}
    assert caption == {"msgtype": "markdown", "markdown": {"content": "📎 **评审意见表**"}}


def test_a_documents_own_caption_is_used_without_reply_text() -> None:
    doc = Document("a.xlsx", content=b"123456", caption="月报")
    _, caption = render(Reply("", document=doc)).parts
    assert caption == {"msgtype": "text", "text": {"content": "月报"}}


def test_an_image_is_an_image_message_and_a_known_media_id_needs_no_upload() -> None:
    chart = Document("chart.png", content=b"\x89PNG...", mime_type="image/png")
    (upload,) = render(Reply("", document=chart)).parts
    assert upload == Upload("chart.png", b"\x89PNG...", "image", "image/png")
    held = Document("plan.pdf", file_id="MEDIA-7")
    (message,) = render(Reply("", document=held)).parts
    assert message == media_message("file", "MEDIA-7")


def test_a_document_with_buttons_is_followed_by_a_card() -> None:
    doc = Document("plan.pdf", content=b"%PDF-1.7")
    rendered = render(Reply("计划书", document=doc, buttons=((Button("同意", data="ok"),),)))
    upload, card = rendered.parts
    assert isinstance(upload, Upload)
    assert isinstance(card, dict)
    assert card["msgtype"] == "template_card"
