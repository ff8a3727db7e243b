"""Nobody but the household decides: only administrators call the deciding services, only the phones the
owner chose act on a notification (with the action's nonce), and a share link is shown once, to the one who
shared."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import Unauthorized
from pytest_homeassistant_custom_component.common import MockConfigEntry
from yarl import URL

from custom_components.doorbell_vault.const import DOMAIN

from .conftest import request_fields, share_request, submit_request
from .phones import add_phone


async def test_only_administrators_call_the_deciding_services(
    hass: HomeAssistant, front_door_footage: MockConfigEntry, hass_read_only_user: Any
) -> None:
    request_id = await submit_request(hass, front_door_footage, 1, 20)
    member = Context(user_id=hass_read_only_user.id)
    for service, data in (
        ("submit_request", request_fields()),
        ("decline_request", {"request_id": request_id}),
        ("share_request", {"request_id": request_id, "include_audio": True}),
        ("revoke_share", {"request_id": request_id}),
        ("export_audit", {}),
        ("transparency_report", {}),
        ("notification_actions", {"request_id": request_id}),
    ):
        with pytest.raises(Unauthorized):
            await hass.services.async_call(
                DOMAIN, service, data, blocking=True, context=member, return_response=True
            )
    assert (await front_door_footage.runtime_data.lifecycle.async_get(request_id)).status == "pending"


async def test_a_phone_decides_only_when_chosen_and_with_the_actions_nonce(
    hass: HomeAssistant,
    front_door_footage: MockConfigEntry,
    hass_admin_user: Any,
    hass_read_only_user: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = front_door_footage
    request_id = await submit_request(hass, entry, 1, 20)
    ids = await hass.services.async_call(
        DOMAIN, "notification_actions", {"request_id": request_id}, blocking=True, return_response=True
    )
    assert ids is not None
    members_phone = add_phone(hass, hass_read_only_user.id, "Kid's phone")
    owners_phone = add_phone(hass, hass_admin_user.id, "Pixel 9")

    def fire(action: str, user: Any) -> None:
        hass.bus.async_fire(
            "mobile_app_notification_action", {"action": action}, context=Context(user_id=user.id)
        )

    # A household member's phone: no phone chosen yet, then not one of the chosen.
    fire(ids["share"], hass_read_only_user)
    await hass.async_block_till_done()
    assert "no phone may decide" in caplog.text
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "deciding_phones": [owners_phone]}
    )
    await hass.async_block_till_done()
    fire(ids["share"], hass_read_only_user)
    fire(f"DOORBELL_VAULT_SHARE_{request_id}", hass_admin_user)  # the old action id, without a nonce
    fire(f"DOORBELL_VAULT_SHARE_{request_id}_{'0' * 32}", hass_admin_user)  # a guessed nonce
    await hass.async_block_till_done()
    assert "not from a phone chosen to decide" in caplog.text
    assert "nonce is missing or wrong" in caplog.text
    assert (await entry.runtime_data.lifecycle.async_get(request_id)).status == "pending"
    assert members_phone != owners_phone


async def test_the_share_link_is_in_the_answer_never_in_a_notification_every_user_sees(
    hass: HomeAssistant, front_door_footage: MockConfigEntry, hass_admin_user: Any
) -> None:
    request_id = await submit_request(hass, front_door_footage, 1, 20)
    shared = await share_request(hass, request_id, Context(user_id=hass_admin_user.id))
    token = URL(str(shared["share_url"])).path.rsplit("/", 1)[1]
    notifications = hass.data["persistent_notification"]
    assert any("shared" in n["title"].lower() for n in notifications.values())
    assert token not in json.dumps(list(notifications.values()), default=str)


async def test_a_phones_action_reaches_the_log_as_one_plain_line(
    hass: HomeAssistant, offline_hub: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    forged = "DOORBELL_VAULT_SHARE\nERROR custom_components.doorbell_vault: shared everything_x_y"
    hass.bus.async_fire("mobile_app_notification_action", {"action": forged})
    await hass.async_block_till_done()
    (record,) = [r for r in caplog.records if "no phone may decide" in r.getMessage()]
    assert "\n" not in record.getMessage()
    assert record.getMessage().startswith("Ignored share error custom: no phone may decide")
