"""The composition root: the PTB Application with its handlers, persistence and limits."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    JobQueue,
    MessageHandler,
    filters,
)

from bot.brain import Brain
from bot.config import Settings
from bot.content import Content
from bot.events import EventStore
from bot.reload import ContentReloader
from bot.telegram.commands import publish_commands
from bot.telegram.handlers import Handlers, on_error
from bot.telegram.health import PollingMonitor
from bot.telegram.logging_setup import redact_raw_updates
from bot.telegram.persistence import UserDataPersistence
from bot.telegram.profile import publish_profile
from bot.telegram.resilience import (
    FLOOD_RETRIES,
    PerUserUpdateProcessor,
    QuietRequest,
    RetryingRateLimiter,
)
from bot.telegram.updates import FaqBot

log = logging.getLogger(__name__)

# FaqBot, an ExtBot[int]: the rate limiter's per-request argument is an int (max_retries).
FaqApplication = Application[
    FaqBot,
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]

# How often faq.yaml is checked for changes, and old events deleted.
RELOAD_POLL_SECONDS = 5.0
PURGE_INTERVAL_SECONDS = 3600.0
# Connecting to Telegram's servers; read, write and pool waits use REQUEST_TIMEOUT.
CONNECT_TIMEOUT_SECONDS = 5.0
# Every message is HTML without link previews (render.py writes the HTML).
DEFAULTS = Defaults(
    parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
)
# PTB's periodic write of user_data: a backstop only, handlers write each change at once.
PERSISTENCE_INTERVAL_SECONDS = 30.0
# Messages in a private chat that are not text, without a caption (a caption is read as
# the question, whatever it is on): the bot can only read text.
NOT_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


def build_application(
    settings: Settings,
    content: Content,
    *,
    persistence_path: Path | None = None,
    monitor: PollingMonitor | None = None,
) -> FaqApplication:
    """The bot, ready for run_polling() or serve_webhook() (or initialize/start in tests).

    Each user's updates are handled one at a time and in order (the doctor check
    is stateful), different users' concurrently. Only user_data is persisted, at
    `persistence_path` (default: settings.persistence_file). Requests to Telegram
    time out after settings.request_timeout and are retried a few times on 429,
    5xx and network errors (resilience.py). An update PTB cannot read is skipped
    (updates.py). Each batch of updates read is reported to `monitor` (default:
    one writing settings.heartbeat_file).
    """
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    path = persistence_path or settings.persistence_file
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    base_url = settings.base_url
    # https://api.telegram.org/bot -> https://api.telegram.org/file/bot, likewise for a
    # self-hosted Bot API server (or a local fake) whose base URL ends in /bot.
    head, sep, tail = base_url.rpartition("/")
    base_file_url = f"{head}/file/{tail}" if sep else base_url

    events = (
        EventStore(settings.events_file, settings.events_retention_days)
        if settings.events_enabled
        else None
    )
    reloader = ContentReloader(settings.faq_path, content)
    handlers = Handlers(Brain(content), events, settings.admin_user_ids, reloader)

    async def post_init(application: FaqApplication) -> None:
        await publish_commands(application.bot, content)
        await publish_profile(application.bot, content)

    monitor = monitor or PollingMonitor(settings.heartbeat_file)
    timeout = settings.request_timeout
    connect = min(CONNECT_TIMEOUT_SECONDS, timeout)
    polls = QuietRequest(
        connection_pool_size=1,
        connect_timeout=connect,
        read_timeout=timeout,  # PTB adds the long poll's own timeout to this
        write_timeout=timeout,
        pool_timeout=timeout,
    )
    requests = QuietRequest(
        connect_timeout=connect,
        read_timeout=timeout,
        write_timeout=timeout,
        pool_timeout=timeout,
    )
    redact_raw_updates()  # PTB would log an update it cannot read whole
    bot = FaqBot(
        settings.token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=requests,
        get_updates_request=polls,
        rate_limiter=RetryingRateLimiter(max_retries=FLOOD_RETRIES),
        defaults=DEFAULTS,
        on_read=monitor.ok,
    )
    app = (
        ApplicationBuilder()
        .bot(bot)
        .persistence(UserDataPersistence(path, update_interval=PERSISTENCE_INTERVAL_SECONDS))
        .concurrent_updates(PerUserUpdateProcessor())
        .post_init(post_init)
        .build()
    )

    # Commands only in new messages; questions in new and edited ones (an edit is
    # answered like a new message), /ask <question> included. Channel posts get no reply.
    new = filters.UpdateType.MESSAGE
    new_or_edited = filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE
    private = filters.ChatType.PRIVATE & new
    private_any = filters.ChatType.PRIVATE & new_or_edited
    groups_any = filters.ChatType.GROUPS & new_or_edited
    # Any message with a caption (a photo of a label: "is this enough magnesium?", a voice
    # note captioned "his speech is slurred"): the caption is the question.
    captioned = filters.CAPTION
    commands = {
        "start": handlers.start,
        "menu": handlers.menu,
        "help": handlers.help,
        "about": handlers.about,
        "topics": handlers.topics,
        "doctor": handlers.doctor,
        "cancel": handlers.cancel,
        "privacy": handlers.privacy,
        "forget": handlers.forget,
    }
    # The operator's commands, in private chats only: /stats shows what people asked.
    admin_commands = {"stats": handlers.stats, "reload": handlers.reload}
    app.add_handlers(
        [
            *(CommandHandler(name, callback, filters=new) for name, callback in commands.items()),
            CommandHandler("ask", handlers.ask, filters=new_or_edited),
            *(
                CommandHandler(name, callback, filters=private)
                for name, callback in admin_commands.items()
            ),
            MessageHandler(private & filters.COMMAND, handlers.unknown_command),
            MessageHandler(
                private_any & (filters.TEXT | captioned) & ~filters.COMMAND, handlers.private_text
            ),
            MessageHandler(
                groups_any & (filters.TEXT | captioned) & ~filters.COMMAND, handlers.group_text
            ),
            MessageHandler(private & NOT_TEXT, handlers.unsupported),
            CallbackQueryHandler(handlers.button),
            InlineQueryHandler(handlers.inline),
            ChatMemberHandler(handlers.membership, ChatMemberHandler.MY_CHAT_MEMBER),
        ]
    )

    async def errors(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update is None and context.job is None and isinstance(context.error, TelegramError):
            monitor.polling_error(context.error)  # run_polling passes getUpdates errors here
        else:
            await on_error(update, context)
            if not isinstance(context.error, TelegramError):
                await handlers.apologise(update, context)

    app.add_error_handler(errors)
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            handlers.watch_content, interval=RELOAD_POLL_SECONDS, first=RELOAD_POLL_SECONDS
        )
        app.job_queue.run_repeating(
            handlers.forget_abandoned_checks, interval=PURGE_INTERVAL_SECONDS, first=60
        )
        if events is not None:

            async def purge(_: ContextTypes.DEFAULT_TYPE) -> None:
                await _purge(events)

            app.job_queue.run_repeating(purge, interval=PURGE_INTERVAL_SECONDS, first=60)
    return app


async def _purge(events: EventStore) -> None:
    """Delete events past the retention period (also done when the store opens)."""
    try:
        gone = events.purge()
    except sqlite3.Error as error:
        log.warning("could not delete old events: %s", error)
        return
    if gone:
        log.info("deleted %d events past the retention period", gone)
