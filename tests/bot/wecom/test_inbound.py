"""WeCom's decrypted callbacks as inbound events: each kind, shaped as WeCom's 消息格式 and
事件格式 document it, becomes the event the dispatcher reads; a retried callback keeps its id; a
system callback or an event nobody said is no event; XML that is not WeCom's is refused."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree as SafeElementTree
from wechatpy.enterprise.crypto import WeChatCrypto

from bot.wecom.crypto import WeComCrypto
from bot.wecom.inbound import (
    MAX_UPDATE_ID,
    Selection,
    WeComCallbackError,
    parse_callback,
    read_callback,
    subscribed,
    update_id,
)
from conversations.inbound import FileRef, Inbound

# 消息格式 (接收消息与事件): the documented samples.
TEXT = """<xml>
   <ToUserName><![CDATA[toUser]]></ToUserName>
   <FromUserName><![CDATA[fromUser]]></FromUserName>
   <CreateTime>1348831860</CreateTime>
   <MsgType><![CDATA[text]]></MsgType>
   <Content><![CDATA[this is a test]]></Content>
   <MsgId>1234567890123456</MsgId>
   <AgentID>1</AgentID>
</xml>"""

IMAGE = """<xml>
   <ToUserName><![CDATA[toUser]]></ToUserName>
   <FromUserName><![CDATA[fromUser]]></FromUserName>
   <CreateTime>1348831860</CreateTime>
   <MsgType><![CDATA[image]]></MsgType>
   <PicUrl><![CDATA[this is a url]]></PicUrl>
   <MediaId><![CDATA[media_id]]></MediaId>
   <MsgId>1234567890123456</MsgId>
   <AgentID>1</AgentID>
</xml>"""

# WeCom's app callbacks document no file message; this is the image's shape with a FileName.
FILE = """<xml>
   <ToUserName><![CDATA[toUser]]></ToUserName>
   <FromUserName><![CDATA[fromUser]]></FromUserName>
   <CreateTime>1348831860</CreateTime>
   <MsgType><![CDATA[file]]></MsgType>
   <MediaId><![CDATA[media_id]]></MediaId>
   <FileName><![CDATA[附件4 项目计划书.pdf]]></FileName>
   <MsgId>1234567890123457</MsgId>
   <AgentID>1</AgentID>
</xml>"""

VOICE = """<xml>
   <ToUserName><![CDATA[toUser]]></ToUserName>
   <FromUserName><![CDATA[fromUser]]></FromUserName>
   <CreateTime>1357290913</CreateTime>
   <MsgType><![CDATA[voice]]></MsgType>
   <MediaId><![CDATA[media_id]]></MediaId>
   <Format><![CDATA[Format]]></Format>
   <MsgId>1234567890123456</MsgId>
   <AgentID>1</AgentID>
</xml>"""

LOCATION = """<xml>
   <ToUserName><![CDATA[toUser]]></ToUserName>
   <FromUserName><![CDATA[fromUser]]></FromUserName>
   <CreateTime>1351776360</CreateTime>
   <MsgType><![CDATA[location]]></MsgType>
   <Location_X>23.134</Location_X>
   <Location_Y>113.358</Location_Y>
   <Scale>20</Scale>
   <Label><![CDATA[位置信息]]></Label>
   <MsgId>1234567890123456</MsgId>
   <AgentID>1</AgentID>
</xml>"""

# 事件格式: the documented samples.
ENTER_AGENT = """<xml><ToUserName><![CDATA[toUser]]></ToUserName>
<FromUserName><![CDATA[FromUser]]></FromUserName>
<CreateTime>1408091189</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[enter_agent]]></Event>
<EventKey><![CDATA[]]></EventKey>
<AgentID>1</AgentID>
</xml>"""


def click(key: str, event: str = "click") -> str:
    return f"""<xml>
<ToUserName><![CDATA[toUser]]></ToUserName>
<FromUserName><![CDATA[FromUser]]></FromUserName>
<CreateTime>123456789</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[{event}]]></Event>
<EventKey><![CDATA[{key}]]></EventKey>
<AgentID>1</AgentID>
</xml>"""


TEMPLATE_CARD_EVENT = """<xml>
<ToUserName><![CDATA[toUser]]></ToUserName>
<FromUserName><![CDATA[FromUser]]></FromUserName>
<CreateTime>123456789</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[template_card_event]]></Event>
<EventKey><![CDATA[key111]]></EventKey>
<TaskId><![CDATA[taskid111]]></TaskId>
<CardType><![CDATA[text_notice]]></CardType>
<ResponseCode><![CDATA[ResponseCode]]></ResponseCode>
<AgentID>1</AgentID>
<SelectedItems>
    <SelectedItem>
        <QuestionKey><![CDATA[QuestionKey1]]></QuestionKey>
        <OptionIds>
            <OptionId><![CDATA[OptionId1]]></OptionId>
            <OptionId><![CDATA[OptionId2]]></OptionId>
        </OptionIds>
    </SelectedItem>
    <SelectedItem>
        <QuestionKey><![CDATA[QuestionKey2]]></QuestionKey>
        <OptionIds>
            <OptionId><![CDATA[OptionId3]]></OptionId>
            <OptionId><![CDATA[OptionId4]]></OptionId>
        </OptionIds>
    </SelectedItem>
</SelectedItems>
</xml>"""


def button_press(
    key: str = "rv:12:pass",
    task: str = "card_12_1",
    user: str = "zhangsan",
    created: str = "1700000000",
    event: str = "template_card_event",
) -> str:
    return f"""<xml>
<ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>
<FromUserName><![CDATA[{user}]]></FromUserName>
<CreateTime>{created}</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[{event}]]></Event>
<EventKey><![CDATA[{key}]]></EventKey>
<TaskId><![CDATA[{task}]]></TaskId>
<CardType><![CDATA[button_interaction]]></CardType>
<ResponseCode><![CDATA[rc-0001]]></ResponseCode>
<AgentID>1000002</AgentID>
</xml>"""


def event(kind: str, user: str = "UserID") -> str:
    return f"""<xml>
<ToUserName><![CDATA[toUser]]></ToUserName>
<FromUserName><![CDATA[{user}]]></FromUserName>
<CreateTime>1348831860</CreateTime>
<MsgType><![CDATA[event]]></MsgType>
<Event><![CDATA[{kind}]]></Event>
<AgentID>1</AgentID>
</xml>"""


def inbound(xml: str) -> Inbound:
    parsed = parse_callback(xml)
    assert parsed is not None
    return parsed.inbound


# Messages


def test_a_text_message_is_text_from_the_member_in_a_private_chat() -> None:
    parsed = parse_callback(TEXT)
    assert parsed is not None and parsed.kind == "text" and parsed.agent_id == "1"
    assert parsed.inbound == Inbound(
        user_id="fromUser",
        chat_id="fromUser",
        messenger="wecom",
        chat_type="private",
        display_name="",
        text="this is a test",
        update_id="1234567890123456",
    )
    assert parsed.task_id is None and parsed.response_code is None and parsed.selected == ()


@pytest.mark.parametrize(
    ("typed", "command", "args"),
    [("/report 2024-05", "report", "2024-05"), ("/Start", "start", ""), ("/help", "help", "")],
)
def test_a_typed_command_is_a_command(typed: str, command: str, args: str) -> None:
    event = inbound(TEXT.replace("this is a test", typed))
    assert (event.command, event.args, event.text) == (command, args, typed)


@pytest.mark.parametrize("typed", ["/", "/rv:1", "report", "a /help", "/ help"])
def test_text_that_is_no_command_stays_text(typed: str) -> None:
    event = inbound(TEXT.replace("this is a test", typed))
    assert event.command is None and event.text == typed


def test_an_image_is_a_file_named_as_telegram_names_photos() -> None:
    parsed = parse_callback(IMAGE)
    assert parsed is not None and parsed.kind == "image"
    assert parsed.inbound.file == FileRef("media_id", "image_1234567890123456.jpg")
    assert parsed.inbound.text is None and parsed.inbound.update_id == "1234567890123456"


def test_a_file_carries_its_media_id_and_its_name() -> None:
    event = inbound(FILE)
    assert event.file == FileRef("media_id", "附件4 项目计划书.pdf")
    assert inbound(
        FILE.replace("<FileName><![CDATA[附件4 项目计划书.pdf]]></FileName>", "")
    ).file == (FileRef("media_id", None))


@pytest.mark.parametrize(("xml", "kind"), [(VOICE, "voice"), (LOCATION, "location")])
def test_a_kind_the_bot_does_not_read_is_other(xml: str, kind: str) -> None:
    parsed = parse_callback(xml)
    assert parsed is not None and parsed.kind == kind
    assert parsed.inbound.other == kind and parsed.inbound.text is None
    assert parsed.inbound.file is None and parsed.inbound.private


# Events


def test_entering_the_app_is_start() -> None:
    parsed = parse_callback(ENTER_AGENT)
    assert parsed is not None and parsed.kind == "enter_agent"
    assert parsed.inbound.command == "start" and parsed.inbound.args == ""
    assert parsed.inbound.entered, "opened, not typed: a known member is not greeted again"
    assert parsed.inbound.user_id == parsed.inbound.chat_id == "FromUser"
    assert parsed.inbound.update_id == "FromUser:1408091189:enter_agent"


@pytest.mark.parametrize(
    ("key", "command", "args"),
    [("report", "report", ""), ("/report", "report", ""), ("/review 12", "review", "12")],
)
def test_a_menu_click_is_its_command(key: str, command: str, args: str) -> None:
    parsed = parse_callback(click(key))
    assert parsed is not None and parsed.kind == "click"
    assert (parsed.inbound.command, parsed.inbound.args) == (command, args)
    assert parsed.inbound.callback_data is None
    assert parsed.inbound.update_id == "FromUser:123456789:click"


def test_a_click_spelled_as_the_official_accounts_spell_it_is_read_alike() -> None:
    assert inbound(click("report", event="CLICK")).command == "report"


@pytest.mark.parametrize("key", ["rv:12:pass", "", "-x", "https://example.org"])
def test_a_menu_key_that_is_no_command_is_not_read(key: str) -> None:
    event = inbound(click(key))
    assert event.other == "click" and event.command is None and event.callback_data is None


def test_a_template_card_event_is_a_press_with_its_task_code_and_choices() -> None:
    parsed = parse_callback(TEMPLATE_CARD_EVENT)
    assert parsed is not None and parsed.kind == "template_card_event"
    assert parsed.inbound.callback_data == "key111"
    assert parsed.inbound.message_id == "taskid111"
    assert parsed.inbound.command is None and parsed.inbound.text is None
    assert parsed.task_id == "taskid111"
    assert parsed.card_type == "text_notice"
    assert parsed.response_code == "ResponseCode"
    assert parsed.agent_id == "1"
    assert parsed.selected == (
        Selection("QuestionKey1", ("OptionId1", "OptionId2")),
        Selection("QuestionKey2", ("OptionId3", "OptionId4")),
    )


def test_a_button_interaction_press_has_no_choices() -> None:
    parsed = parse_callback(button_press())
    assert parsed is not None
    assert parsed.inbound.callback_data == "rv:12:pass"
    assert (parsed.task_id, parsed.card_type, parsed.response_code) == (
        "card_12_1",
        "button_interaction",
        "rc-0001",
    )
    assert parsed.selected == ()
    assert (
        parsed.inbound.update_id == "zhangsan:1700000000:template_card_event:card_12_1:rv:12:pass"
    )


def test_the_card_menu_event_is_a_press_too() -> None:
    parsed = parse_callback(button_press(event="template_card_menu_event", key="more"))
    assert parsed is not None and parsed.kind == "template_card_menu_event"
    assert parsed.inbound.callback_data == "more" and parsed.task_id == "card_12_1"


@pytest.mark.parametrize(
    "kind", ["view", "LOCATION", "scancode_push", "pic_sysphoto", "batch_job_result", "new"]
)
def test_an_event_nobody_said_is_no_event(kind: str) -> None:
    assert parse_callback(event(kind)) is None


def test_a_system_callback_is_no_event() -> None:
    change = event("change_contact", user="sys").replace(
        "</AgentID>", "</AgentID><ChangeType>create_user</ChangeType><UserID>lisi</UserID>"
    )
    assert parse_callback(change) is None
    assert parse_callback(event("enter_agent", user="sys")) is None
    assert parse_callback(TEXT.replace("<![CDATA[fromUser]]>", "")) is None


def test_joining_or_leaving_the_visible_range_is_read_apart() -> None:
    assert parse_callback(event("subscribe")) is None
    assert subscribed(read_callback(event("subscribe"))) is True
    assert subscribed(read_callback(event("unsubscribe"))) is False
    assert subscribed(read_callback(event("enter_agent"))) is None
    assert subscribed(read_callback(TEXT)) is None


# Retries and ids


def test_a_retried_callback_has_the_same_id() -> None:
    for xml in (TEXT, ENTER_AGENT, click("report"), button_press()):
        first, again = parse_callback(xml), parse_callback(xml)
        assert first is not None and again is not None
        assert first.inbound.update_id == again.inbound.update_id is not None


def test_different_callbacks_have_different_ids() -> None:
    ids = {
        inbound(button_press()).update_id,
        inbound(button_press(key="rv:12:veto")).update_id,
        inbound(button_press(task="card_13_1")).update_id,
        inbound(button_press(user="lisi")).update_id,
        inbound(button_press(created="1700000001")).update_id,
        inbound(ENTER_AGENT).update_id,
        inbound(TEXT).update_id,
        inbound(TEXT.replace("1234567890123456", "1234567890123457")).update_id,
    }
    assert len(ids) == 8


def test_an_id_too_long_for_the_record_is_hashed_stably() -> None:
    long = button_press(user="u" * 64, task="t" * 128, key="rv:2147483647:pass")
    first, again = inbound(long).update_id, inbound(long).update_id
    assert first == again and first is not None
    assert first.startswith("sha256:") and len(first) <= MAX_UPDATE_ID
    assert len(f"wecom:{first}") <= 80  # storage.tables.system.ProcessedUpdate.key
    assert inbound(button_press(user="u" * 64, task="t" * 128)).update_id != first


def test_a_message_without_msg_id_falls_back_to_its_time() -> None:
    no_id = TEXT.replace("<MsgId>1234567890123456</MsgId>", "")
    assert update_id(read_callback(no_id)) == "fromUser:1348831860:text"


# Refusals


@pytest.mark.parametrize(
    "xml",
    [
        "not xml",
        "<root><MsgType>text</MsgType></root>",
        "<xml><FromUserName>a</FromUserName></xml>",
        '<!DOCTYPE xml [<!ENTITY e "x">]><xml><MsgType>&e;</MsgType></xml>',
        '<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/x.dtd"><xml><MsgType>text</MsgType></xml>',
    ],
    ids=["text", "other-root", "no-msgtype", "entity", "external-dtd"],
)
def test_xml_that_is_not_wecoms_is_refused(xml: str) -> None:
    with pytest.raises(WeComCallbackError) as caught:
        parse_callback(xml)
    assert xml not in str(caught.value)


def test_an_event_without_its_time_is_refused() -> None:
    with pytest.raises(WeComCallbackError):
        parse_callback(ENTER_AGENT.replace("<CreateTime>1408091189</CreateTime>", ""))


def test_a_user_id_longer_than_wecom_allows_is_refused() -> None:
    with pytest.raises(WeComCallbackError):
        parse_callback(button_press(user="u" * 65))


def test_bytes_are_read_as_text_is() -> None:
    assert parse_callback(FILE.encode("utf-8")) == parse_callback(FILE)


# From WeCom's ciphertext to the bot's event


def test_the_documented_sample_callback_becomes_an_event() -> None:
    from tests.bot.wecom.test_crypto import AES_KEY, BODY, CORP_ID, POST, TOKEN

    xml = WeComCrypto(TOKEN, AES_KEY, CORP_ID).decrypt(**POST, xml_body=BODY)
    parsed = parse_callback(xml)
    assert parsed is not None and parsed.agent_id == "218"
    assert parsed.inbound.user_id == "mycreate" and parsed.inbound.text == "hello"
    assert parsed.inbound.update_id == "4561255354251345929"


def test_a_press_sealed_by_wechatpy_becomes_a_press() -> None:
    token, key, corp = "T0ken", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "ww1436e0e65a779aee"
    sealed = WeChatCrypto(token, key, corp).encrypt_message(button_press(), "nonce1", "1700000000")
    root = SafeElementTree.fromstring(sealed)
    xml = WeComCrypto(token, key, corp).decrypt(
        root.findtext("MsgSignature"), "1700000000", "nonce1", sealed
    )
    parsed = parse_callback(xml)
    assert parsed is not None and parsed.inbound.callback_data == "rv:12:pass"
    assert parsed.response_code == "rc-0001"
