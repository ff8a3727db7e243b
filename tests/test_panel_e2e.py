"""The Footage requests panel and dashboard card in real Chromium (Playwright) against a real `hass` started
as scripts/develop does, with two simulated cameras recording. The story is told in devkit/panel_check.py;
this test runs it in a network namespace of its own and checks what it saw. Its screenshots are the docs'
(docs/panel-*.png, docs/card-*.png: the card at phone width): a file there is replaced when its picture
changed meaningfully, or always with DOORBELL_VAULT_SCREENSHOTS=1.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from devkit.panel_check import AGENCY, CHROMIUM, TRIM_SECONDS

from .conftest import free_port, isolated_network

ROOT = Path(__file__).resolve().parent.parent
REFRESH_ENV = "DOORBELL_VAULT_SCREENSHOTS"  # =1: replace every screenshot in docs/
CHANGED_SHARE = 0.04  # run-to-run noise (times, case numbers, the simulated picture) is about 2 %
VISIBLE = 32  # a pixel changed visibly: its grey difference exceeds this
DOCS = ROOT / "docs"
SHOTS = [
    *(f"panel-{screen}{size}.png" for screen in ("inbox", "request", "share") for size in ("", "-phone")),
    "panel-transparency.png",
    "panel-masks.png",
    "panel-redaction.png",
    "screenshot.png",
    "card-phone.png",
    "card-confirm-phone.png",
    "card-household-phone.png",
]


@pytest.mark.e2e
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_panel_and_card_in_chromium(tmp_path: Path) -> None:
    prefix = isolated_network()
    port = 8123 if prefix else free_port()
    shots = tmp_path / "shots"
    result = subprocess.run(
        [
            *prefix,
            sys.executable,
            "-m",
            "devkit.panel_check",
            *(["--in-namespace"] if prefix else []),
            "--config",
            str(tmp_path / "config"),
            "--port",
            str(port),
            "--shots",
            str(shots),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=360,
        check=False,
    )
    log = tmp_path / "config" / "home-assistant.log"
    assert result.returncode == 0, (
        result.stdout[-3000:] + result.stderr[-6000:] + (log.read_text()[-4000:] if log.exists() else "")
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])

    _assert_inbox_and_request_view(report)
    _assert_preview_and_package(report)
    _assert_downloads_revocation_and_declines(report)
    _assert_audit_and_transparency(report)
    _assert_phone_width_and_the_card(report)
    _assert_masks_and_a_redacted_share(report["masks"])
    _keep_the_screenshots(shots)


def _assert_inbox_and_request_view(report: dict[str, Any]) -> None:
    # Inbox: opened from the sidebar, the webhook's request arrived live, pending with time left.
    assert report["panel_opened_from_sidebar"] is True
    assert report["live_without_reload"] is True
    assert report["inbox_row_status"] == "Pending"
    assert report["inbox_time_left"] is True
    assert report["inbox_verified_badge"] == ["false", "Unverified"]  # a webhook names no checked sender

    # Request: window in local time with UTC on hover, area as distance and radius, both cameras.
    assert report["window_utc_title"].count("UTC") == 2
    assert "from home" in report["area_text"]
    assert "Home inside the area" in report["area_text"]
    assert report["cameras"] == ["Simulated doorbell", "Simulated porch"]
    # The doorbell's window plays: its <video> advanced a second of footage (across segment joins), no error.
    assert report["video_advanced"] is True, report["video_played"]
    assert report["video_played"]["error"] is None
    assert report["video_error"] is None
    assert report["player_error_shown"] == 0


def _assert_preview_and_package(report: dict[str, Any]) -> None:
    # Preview and package: only the doorbell, only the narrowed window.
    assert len(report["preview_files"]) == 1
    assert "Simulated doorbell" in report["preview_files"][0]
    assert report["share_status"] == "shared"
    assert report["package_cameras"] == ["Simulated doorbell"]
    assert report["package_clips"] == ["simulated-doorbell.mp4"]
    assert "manifest.json" in report["package_names"]
    asked = {k: datetime.fromisoformat(v) for k, v in report["asked_window"].items()}
    shared = {k: datetime.fromisoformat(v) for k, v in report["package_window"].items()}
    assert (shared["start"] - asked["start"]).total_seconds() == pytest.approx(TRIM_SECONDS, abs=0.01)
    assert (asked["end"] - shared["end"]).total_seconds() == pytest.approx(TRIM_SECONDS, abs=0.01)
    narrowed = (shared["end"] - shared["start"]).total_seconds()
    # The clip starts on the keyframe at or before the start (2 s GOP) and may lack footage at the edges.
    assert narrowed - 4 <= report["clip_seconds"][0] <= narrowed + 2.5


def _assert_downloads_revocation_and_declines(report: dict[str, Any]) -> None:
    # The download appeared live in the log; revoked; the link is never shown again.
    assert report["download_log"]
    assert "Yes" in report["download_log"]
    assert report["download_count"].startswith("1 of")
    assert "revoked" in report["revoked_reason"]
    assert report["link_shown_again"] == 0
    assert report["link_in_page_html"] is False

    # Declined always for its agency; the next request from it is ended by the policy.
    assert report["declined_message"] == "We keep no footage of the street."
    assert report["third_problems"] == ["agency_blocked"]
    assert report["third_status"] == "Rejected"
    assert report["third_status_badge"] == "rejected"


def _assert_audit_and_transparency(report: dict[str, Any]) -> None:
    # Audit: the key's fingerprint to give the agency once, as every package's manifest carries it.
    shown = report["fingerprint_shown"]
    assert shown["hex"] == report["package_fingerprint"]["hex"]
    assert shown["words"] == report["package_fingerprint"]["words"]
    assert "Give this to the agency once" in shown["text"]

    # Audit and transparency.
    assert report["audit_result"].startswith("The chain is intact.")
    assert report["audit_export_name"].startswith("audit-")
    assert report["audit_export_name"].endswith(".jsonl")
    assert report["audit_export_lines"] >= 8
    assert report["transparency_bars"] >= 4
    assert report["transparency_month_rects"] >= 2
    assert report["report_markdown_name"].endswith(".md")


def _assert_masks_and_a_redacted_share(masks: dict[str, Any]) -> None:
    """Privacy masks drawn, saved and used by a redacted share whose package verifies."""
    # Privacy masks: drawn on the porch camera's still (a dragged rectangle, a clicked polygon, a rectangle
    # placed from the keyboard and kept clear), saved as the camera's standing choice.
    editor = masks["editor"]
    assert editor["still"] is True, masks
    assert editor["still_url"].startswith("/api/camera_proxy/camera."), editor[
        "still_url"
    ]  # the camera's own
    assert editor["save_error"] == 0
    assert editor["drawn"] == ["region blur", "region black", "region clear selected"]
    stored = masks["stored"]
    assert stored["standing"] == "masks"
    assert [(r["shape"], r["action"]) for r in stored["regions"]] == [("rect", "blur"), ("polygon", "black")]
    (x0, y0), (x1, y1) = stored["regions"][0]["points"]
    assert (x0, y0, x1, y1) == pytest.approx((0.06, 0.08, 0.34, 0.46), abs=0.01)
    assert len(stored["regions"][1]["points"]) == 4
    assert [r["shape"] for r in stored["clear"]] == ["rect"]
    (x0, y0), (x1, y1) = stored["clear"][0]["points"]  # the keyboard's: 0.4-0.6, down 2 %, 1 % wider
    assert (x0, y0, x1, y1) == pytest.approx((0.40, 0.42, 0.61, 0.62), abs=0.001)
    # Masks and faces can be chosen only where the face detector runs; otherwise the editor says why.
    assert editor["faces_disabled"] is (not masks["detector"]["available"])
    assert editor["detector_text"].startswith(
        "Face detection" if masks["detector"]["available"] else "Face blurring"
    )
    # A redacted share: masks for this share plus a box by hand; the preview plays both videos side by side.
    share = masks["share"]
    assert share["package_badge"] == "masks"
    assert [s[0] for s in share["preview_sources"]] == ["original", "redacted"]
    assert share["preview_sources"][0][1] != share["preview_sources"][1][1]
    for video in share["preview_videos"]:
        assert video["ready"] is True, video
        assert video["error"] is None
        assert video["width"] > 0
    assert min(share["played"]) >= 1  # Play both: each advanced a second
    assert re.fullmatch(
        r"The first \d+ s of the window, at preview quality\. Faces found: \d+\.", share["preview_note"]
    )
    assert share["status"] == "shared"
    # The build's progress showed while the clip was redacted ("redacting Simulated porch 42 %").
    assert any(p.startswith("redacting Simulated porch") for p in share["progress_seen"]), share[
        "progress_seen"
    ]
    # The package the agency downloads: the porch's clip only, redacted, and it verifies (pinned key).
    package = masks["package"]
    assert package["verify_exit"] == 0, package["verify_output"]
    assert package["decision_redaction"] == {"Simulated porch": "masks"}
    assert [f["camera"] for f in package["files"]] == ["Simulated porch"]
    assert package["files"][0]["redacted"] is True
    assert "provenance.json" in package["names"]


def _assert_phone_width_and_the_card(report: dict[str, Any]) -> None:
    # Phone width: one column, players full width, nothing wider than the screen, Revoke reachable.
    phone = report["phone"]
    assert phone["inbox_overflow"] is False
    assert phone["request_overflow"] is False
    assert phone["player_width"] >= 330
    assert phone["revoke_reachable"] is True
    assert AGENCY

    # The dashboard card (a dashboard made through Lovelace's API), at phone width: the webhook's request
    # appeared live with what a decision needs; Decline, confirmed in its dialog, declined it in the index.
    card = report["card"]
    assert card["live_without_reload"] is True
    assert AGENCY in card["row_text"]
    assert "left" in card["row_text"]
    assert "Simulated doorbell" in card["row_text"]
    assert card["row_verified"] == "false"
    assert card["buttons"] == ["Decline", "Share with my defaults"]
    assert card["overflow"] is False
    assert "Decline this request?" in card["dialog_text"]
    assert card["dialog_focus"] == "cancel"
    assert card["declined_in_index"] == "declined"
    # A household member sees the next request read-only: no button, no link to the admins' panel.
    assert card["member_is_admin"] is False
    assert (card["member_buttons"], card["member_links"]) == (0, 0)
    assert card["member_note"] == "Only an administrator can decide."


def _keep_the_screenshots(shots: Path) -> None:
    # The screenshots the README and docs show: replaced only when they changed meaningfully, or on demand.
    refresh_all = os.environ.get(REFRESH_ENV) == "1"
    DOCS.mkdir(exist_ok=True)
    for name in SHOTS:
        shot = shots / name
        assert shot.stat().st_size > 10_000, name
        if refresh_all or _changed(DOCS / name, shot):
            (DOCS / name).write_bytes(shot.read_bytes())


def _changed(doc: Path, shot: Path) -> bool:
    """Whether a new screenshot differs meaningfully from the committed one: it is missing, has another
    size, or more than CHANGED_SHARE of its pixels changed visibly."""
    from PIL import Image, ImageChops

    if not doc.exists():
        return True
    with Image.open(doc) as old, Image.open(shot) as new:
        if old.size != new.size:
            return True
        difference = ImageChops.difference(old.convert("RGB"), new.convert("RGB")).convert("L")
        visible = difference.point(lambda v: 255 if v > VISIBLE else 0).histogram()[255]
        return visible > CHANGED_SHARE * new.size[0] * new.size[1]
