"""The state file survives crashes: written whole or not at all, and a damaged one
never stops the bot from starting."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import PicklePersistence

from bot.content import Content
from bot.telegram.persistence import USER_DATA_ONLY, UserDataPersistence
from tests.fake_bot_api import DEFAULT_TOKEN, FakeBotAPI
from tests.support.bots import serving
from tests.support.chat import Chat

USER = 7601


class Killed(BaseException):
    """Stands in for SIGKILL at the worst moment."""


def _load(path: Path) -> Any:
    with path.open("rb") as f:
        return pickle.load(f)


@pytest.mark.asyncio
async def test_a_write_interrupted_before_the_rename_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.pickle"
    store = UserDataPersistence(path)
    store.set_bot(Bot(DEFAULT_TOKEN))
    await store.get_user_data()
    await store.update_user_data(USER, {"check": {"nonce": "aaaaaa", "path": ["a"]}})
    assert _load(path)["user_data"] == {USER: {"check": {"nonce": "aaaaaa", "path": ["a"]}}}
    assert path.stat().st_mode & 0o777 == 0o600

    def killed(*_: object) -> None:
        raise Killed

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(Killed):
        await store.update_user_data(USER, {"check": {"nonce": "bbbbbb", "path": ["a", "b"]}})
    # The file is the complete earlier state, never a torn mix.
    assert _load(path)["user_data"][USER]["check"]["nonce"] == "aaaaaa"


@pytest.mark.asyncio
async def test_a_damaged_state_file_is_moved_aside_and_the_bot_starts(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "state.pickle").write_bytes(b"\x80\x04\x95garbage, cut off by a crash")
    chat = Chat(server, USER, USER)
    caplog.set_level(logging.WARNING)
    async with serving(server, content, data) as app:
        assert app.user_data == {}
        # Her old check's buttons are explained as expired; she can start again.
        stale, answer = await chat.press_data(4242, "c:abcdef:2:0", inaccessible=True)
        assert answer["text"] == content.ui["expired_short"]
        assert content.ui["expired"] in stale.text
        check = await chat.say("/doctor")
        assert content.check_ui["intro"] in check.text
        await asyncio.to_thread(server.wait_idle)
    assert (data / "state.pickle.damaged").exists()
    assert _load(data / "state.pickle")["user_data"][USER]["check"]["path"]
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "could not be read" in line
    assert "state.pickle.damaged" in line


@pytest.mark.asyncio
async def test_a_failed_write_is_never_reported_as_done(
    server: FakeBotAPI, content: Content, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    state = data / "state.pickle"
    chat = Chat(server, USER, USER)
    caplog.set_level(logging.INFO)
    async with serving(server, content, data):
        await chat.say("/doctor")
        kept = _load(state)["user_data"]
        assert list(kept) == [USER]
        (data / "state.pickle.tmp").mkdir()  # every write fails from here on
        refused = await chat.say("/forget")
        assert refused.text == content.ui["forget_failed"]
        again = await chat.say("/forget")  # nothing left in memory: still not "Done"
        assert again.text == content.ui["forget_failed"]
        # A check step that cannot be saved is not shown either.
        sorry = await chat.say("/doctor")
        assert sorry.text == content.ui["error"]
        assert _load(state)["user_data"] == kept
        (data / "state.pickle.tmp").rmdir()
        done = await chat.say("/forget")
        assert done.text == content.ui["forgotten"]
        assert _load(state)["user_data"] == {}
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 3
    for record in errors:
        assert record.name == "bot.telegram.persistence"
        assert record.getMessage().startswith("could not write state.pickle (IsADirectoryError")
        assert record.exc_info is None


class _Runs:
    """What a malicious pickle looks like: unpickling it calls a function."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("this ran while loading the state file",))


@pytest.mark.asyncio
async def test_a_state_file_that_would_run_code_is_treated_as_damaged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "state.pickle"
    path.write_bytes(pickle.dumps({"user_data": {USER: {"check": _Runs()}}}))
    caplog.set_level(logging.WARNING)
    assert await UserDataPersistence(path).get_user_data() == {}
    assert "this ran" not in capsys.readouterr().out
    assert (tmp_path / "state.pickle.damaged").exists()
    assert "could not be read" in caplog.text


@pytest.mark.asyncio
async def test_checks_saved_by_the_previous_version_survive_the_upgrade(tmp_path: Path) -> None:
    """Earlier releases stored state with PTB's PicklePersistence (one file)."""
    path = tmp_path / "state.pickle"
    check = {"check": {"nonce": "abcdef", "path": ["emergency-signs", "heart"]}}
    old = PicklePersistence(path, store_data=USER_DATA_ONLY, single_file=True, on_flush=True)
    old.set_bot(Bot(DEFAULT_TOKEN))
    await old.get_user_data()
    await old.update_user_data(USER, check)
    await old.flush()
    assert await UserDataPersistence(path).get_user_data() == {USER: check}


@pytest.mark.asyncio
async def test_many_users_answering_at_once_all_reach_the_disk(tmp_path: Path) -> None:
    path = tmp_path / "state.pickle"
    store = UserDataPersistence(path)
    await store.get_user_data()
    checks = {user: {"check": {"nonce": "abcdef", "path": ["a"] * user}} for user in range(1, 51)}
    await asyncio.gather(*(store.update_user_data(user, data) for user, data in checks.items()))
    assert _load(path)["user_data"] == checks
    # ... and so do the ends of their checks.
    await asyncio.gather(*(store.update_user_data(user, {}) for user in checks))
    assert _load(path)["user_data"] == {}


@pytest.mark.asyncio
async def test_a_check_left_unfinished_for_a_day_is_deleted_from_the_disk(
    server: FakeBotAPI, content: Content, tmp_path: Path
) -> None:
    # /privacy promises the check is kept only while it is taken: one abandoned
    # halfway must not stay under the user's id for ever.
    data = tmp_path / "data"
    chat = Chat(server, USER, USER)
    async with serving(server, content, data) as app:
        await chat.say("/doctor")
        await asyncio.to_thread(server.wait_idle)
        assert _load(data / "state.pickle")["user_data"][USER]["check"]
        assert app.job_queue is not None
        [job] = app.job_queue.get_jobs_by_name("forget_abandoned_checks")
        await job.run(app)  # an hour on: kept
        assert "check" in _load(data / "state.pickle")["user_data"][USER]
        app.user_data[USER]["check"]["hour"] -= 24  # begun a day ago
        await job.run(app)
        assert USER not in _load(data / "state.pickle")["user_data"]
        assert "check" not in app.user_data[USER]
