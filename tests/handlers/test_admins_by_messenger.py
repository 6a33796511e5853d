"""The administrators named in the settings (ZHAOSHANG_ADMINS) are Telegram ids, and WeCom
UserIDs written "wecom:UserID". A WeCom UserID is never taken for the Telegram id it spells,
and an administrator who links their WeCom account (/link) is one there too."""

from __future__ import annotations

from dataclasses import replace

from bot.settings import Settings
from conversations.inbound import Inbound
from handlers.actors import resolve_actor
from handlers.context import Services
from storage.tables import MessengerAccount
from storage.tables import Person as PersonRow


def actor_of(s: Services, messenger: str, user_id: str):
    event = Inbound(user_id=user_id, chat_id=user_id, messenger=messenger, text="你好")
    with s.uow() as uow:
        return resolve_actor(s, uow, event)


def test_the_settings_name_wecom_administrators_apart_from_telegram_ones() -> None:
    settings = Settings(_env_file=None, admins="900, wecom:ZhangSan; WeCom: LiSi ,wecom:")
    assert settings.admins == ["900", "wecom:zhangsan", "wecom:lisi"]


def test_a_wecom_userid_of_digits_is_not_the_telegram_administrator_it_spells(
    services: Services,
) -> None:
    assert "900" in services.admins
    assert actor_of(services, "telegram", "900").is_admin
    assert not actor_of(services, "wecom", "900").is_admin


def test_a_wecom_administrator_is_named_by_userid_in_any_case(services: Services) -> None:
    s = replace(services, admins=frozenset({"wecom:zhangsan"}), messengers=("wecom",))
    assert actor_of(s, "wecom", "ZhangSan").is_admin
    assert not actor_of(s, "telegram", "zhangsan").is_admin


def test_a_telegram_administrator_who_linked_their_wecom_account_is_one_there(
    services: Services,
) -> None:
    with services.uow() as uow:
        admin = uow.people.add(PersonRow(name="管理员"))
        for messenger, external in (("telegram", "900"), ("wecom", "GuanLi")):
            uow.session.add(
                MessengerAccount(
                    person_id=admin.id or 0,
                    messenger=messenger,
                    external_id=external,
                    chat_id=external,
                )
            )
        uow.commit()
    assert actor_of(services, "wecom", "GuanLi").is_admin
