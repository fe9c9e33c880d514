"""What a Rasa server replica does when a service behind it fails (docs/production.md).

Rasa 3.6, left alone, answers nothing in two failure cases:

- **The action server cannot be reached** (connection refused, 5xx from the balancer, timeout):
  `RemoteAction.run` raises, `MessageProcessor._run_action` logs the exception, drops the action's
  events and goes on predicting; during the interview the rules then just listen, so the REST
  channel returns `[]` with status 200 and the user sees nothing.
- **The lock store (Redis) or the tracker store cannot be reached**: `Agent.handle_message` raises
  before or while handling the message; the REST channel logs it and returns `[]`.

With `apply()` the user gets a clear Italian message instead:

- a failed custom action ends the turn with `ACTION_FAILED` (a `BotUttered` event, so it is in the
  conversation's history too) followed by `action_listen`; nothing else of the turn is guessed, the
  slots stay as they were, and when the action server is back the next message continues the
  interview where it was (the user is asked to write the answer again);
- a message that could not be handled at all (no lock: Redis down; no tracker: database down) gets
  `UNAVAILABLE` and is not processed: no other conversation's lock or tracker is ever used in its
  place, so there is no cross-talk and no half-written turn.

For the second case the agent's tracker store is the configured one itself, not wrapped in Rasa's
`FailSafeTrackerStore`. That wrapper turns a failed read into "no conversation yet" and a failed save
into a save in process memory: while the database is unreachable every message would start a new
conversation ("Ciao, sono Bussola! … chi sei?" in the middle of the lead form), the answers given
meanwhile would be forgotten when it is back, and a turn started before the outage and saved after
it could be written over the stored events. Without it the read or save fails, the message gets
`UNAVAILABLE`, and the user sends it again to the conversation as it was stored.

`RedisLockStore` is Rasa's Redis lock store (same keys, same data) whose ticket changes are atomic
(Redis `WATCH`/`MULTI`, retried on conflict): Rasa's own reads, changes and writes a lock in separate
steps, so two replicas receiving messages of one conversation at the same moment could overwrite
each other's tickets. Importing this module applies the patches above; the production endpoints
(`deploy/endpoints.yml`) name `bot.resilience.RedisLockStore` as the lock store, which is how the
Rasa server imports it.
"""
from __future__ import annotations

import contextvars
import json
import logging
from typing import Any, Callable, List, Optional, Text

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered
from rasa.utils.endpoints import EndpointConfig

from bot import texts

logger = logging.getLogger(__name__)

ACTION_FAILED = texts.render("service", "action_failed")
UNAVAILABLE = texts.render("service", "unavailable")
FAULT_KEY = "bussola_fault"  # in the BotUttered metadata: which failure the message reports

# The failures of remote actions during the current `_run_action` call (None outside of one).
_failures: contextvars.ContextVar[Optional[List[str]]] = contextvars.ContextVar("bussola_action_failures",
                                                                               default=None)
_originals: dict = {}


async def _remote_action_run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
    try:
        return await _originals["remote_run"](self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise  # a form rejecting a message: Rasa's normal flow
    except Exception as error:
        failures = _failures.get()
        if failures is not None:
            failures.append(f"{self.name()}: {error}")
        raise


async def _run_action(self: MessageProcessor, action: Any, tracker: Any, output_channel: Any, nlg: Any,
                      prediction: Any) -> bool:
    failures: List[str] = []
    token = _failures.set(failures)
    try:
        should_predict_another = await _originals["run_action"](self, action, tracker, output_channel, nlg,
                                                                prediction)
    finally:
        _failures.reset(token)
    if not failures:
        return should_predict_another
    # Rasa has logged the action (without its events) and would go on predicting as if it had run.
    logger.error(f"action server unavailable for {tracker.sender_id!r}: {failures[-1]}; "
                 f"the user is told to try again")
    apology = BotUttered(ACTION_FAILED, metadata={FAULT_KEY: "action_server"})
    tracker.update(apology)
    await self.execute_side_effects([apology], tracker, output_channel)
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    return False


async def _handle_message(self: Agent, message: Any) -> Any:
    try:
        if await _answered_already(self, message):
            return None
        return await _originals["handle_message"](self, message)
    except Exception as error:  # the channels would log it and answer nothing
        kind = "lock_store" if _is_lock_failure(error) else "server"
        logger.exception(f"message of {message.sender_id!r} not handled ({kind} unavailable): {error!r}")
        _remember_unsaved(self, message, error)
        try:
            await message.output_channel.send_response(
                message.sender_id, {"text": UNAVAILABLE, "metadata": {FAULT_KEY: kind}})
        except Exception as send_error:  # the channel itself is down: nothing more to do
            logger.error(f"could not tell {message.sender_id!r} about the failure: {send_error!r}")
        return None


UNSAVED_TTL_S = 3600


def _unsaved_key(agent: Agent, sender_id: str) -> Optional[str]:
    lock_store = getattr(agent, "lock_store", None)
    if not isinstance(lock_store, RasaRedisLockStore):
        return None
    return f"{lock_store.key_prefix}unsaved:{sender_id}"


def _remember_unsaved(agent: Agent, message: Any, error: BaseException) -> None:
    """A turn whose save failed may be stored all the same (the connection dropped during COMMIT,
    after PostgreSQL had committed): the user was told it was not processed and will send the same
    message again, which would then answer the next question. Noted in Redis (shared by the
    replicas) for the next message of the conversation."""
    from bot.tracker_store import TrackerNotSaved

    unsaved = error if isinstance(error, TrackerNotSaved) else getattr(error, "__cause__", None)
    key = _unsaved_key(agent, message.sender_id)
    if not isinstance(unsaved, TrackerNotSaved) or key is None:
        return
    try:
        agent.lock_store.red.set(key, json.dumps({"stored": unsaved.stored, "text": message.text}),
                                 ex=UNSAVED_TTL_S)
    except Exception as redis_error:  # Redis down too: the turn is answered again, as before
        logger.error(f"could not note the unsaved turn of {message.sender_id!r}: {redis_error!r}")


async def _answered_already(agent: Agent, message: Any) -> bool:
    """True when this message repeats a turn noted as unsaved that the database holds after all:
    the turn's answers are sent again instead of handling the message a second time."""
    key = _unsaved_key(agent, message.sender_id)
    store = agent.tracker_store
    if key is None or not hasattr(store, "stored_count"):
        return False
    noted = agent.lock_store.red.get(key)
    if not noted:
        return False
    noted = json.loads(noted)
    if store.stored_count(message.sender_id) <= noted["stored"] or message.text != noted["text"]:
        agent.lock_store.red.delete(key)  # not stored, or the user went on: handled normally
        return False
    tracker = await store.retrieve(message.sender_id)
    turn = list(tracker.events)[noted["stored"]:] if tracker else []
    logger.warning(f"turn of {message.sender_id!r} reported unsaved was stored: its answers are sent again")
    for event in turn:
        if isinstance(event, BotUttered):
            response = {"text": event.text, **{k: v for k, v in (event.data or {}).items() if v}}
            await message.output_channel.send_response(message.sender_id, response)
    agent.lock_store.red.delete(key)
    return True


def _create_tracker_store(store: Any, domain: Any) -> Any:
    """The configured tracker store itself, without Rasa's in-memory fallback (see above)."""
    if store is None:
        return _originals["create_tracker_store"](store, domain)
    store.domain = domain
    return store


def _is_lock_failure(error: BaseException) -> bool:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis comes with Rasa
        RedisError = LockError
    return isinstance(error, (LockError, RedisError))


def apply() -> None:
    """Installs the four patches (once per process)."""
    if _originals:
        return
    _originals.update(remote_run=RemoteAction.run, run_action=MessageProcessor._run_action,
                      handle_message=Agent.handle_message, create_tracker_store=Agent._create_tracker_store)
    RemoteAction.run = _remote_action_run
    MessageProcessor._run_action = _run_action
    Agent.handle_message = _handle_message
    Agent._create_tracker_store = staticmethod(_create_tracker_store)


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class RedisLockStore(RasaRedisLockStore):
    """Rasa's Redis lock store with atomic ticket changes. endpoints.yml:

        lock_store:
          type: bot.resilience.RedisLockStore
          url: ${BUSSOLA_REDIS_HOST}
          port: ${BUSSOLA_REDIS_PORT}
          db: ${BUSSOLA_REDIS_DB}
          password: ${BUSSOLA_REDIS_PASSWORD}
          key_prefix: ${BUSSOLA_REDIS_KEY_PREFIX}
    """

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        settings = {**((endpoint_config.kwargs if endpoint_config else None) or {}), **kwargs}
        host = (endpoint_config.url if endpoint_config else None) or settings.pop("host", None) or "localhost"
        settings.pop("host", None)
        super().__init__(
            host=host, port=int(settings.get("port") or 6379), db=int(settings.get("db") or 0),
            username=settings.get("username") or None, password=settings.get("password") or None,
            use_ssl=_flag(settings.get("use_ssl", False)), ssl_certfile=settings.get("ssl_certfile") or None,
            ssl_keyfile=settings.get("ssl_keyfile") or None, ssl_ca_certs=settings.get("ssl_ca_certs") or None,
            key_prefix=settings.get("key_prefix") or None,
            socket_timeout=float(settings.get("socket_timeout") or 2))

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], Any], create: bool = False) -> Any:
        """Reads, changes and writes one lock atomically; returns what `change` returns. The lock
        is deleted when no ticket is left (as Rasa's `cleanup` does)."""
        key = self.key_prefix + conversation_id

        def attempt(pipe: Any) -> Any:
            raw = pipe.get(key)  # WATCHed: another replica's write in between makes EXEC retry
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            if lock is None:
                if not create:
                    return None
                lock = self.create_lock(conversation_id)
            result = change(lock)
            pipe.multi()
            if lock.tickets or create:
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)
            return result

        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # finish_serving deletes the lock in the same transaction when nobody else waits for it
        self.finish_serving(conversation_id, ticket_number)


apply()
