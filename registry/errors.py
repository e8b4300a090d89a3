"""Typed errors of the register, each with the Thai text a user is shown (one table)."""

from __future__ import annotations

THAI = {
    "not_found": "ไม่พบ{what}",
    "invalid_transition": "ไม่สามารถ{action}ได้ เพราะหนังสือนี้อยู่ในสถานะ “{state}”",
    "already_done": "รายการนี้{action}ไปแล้ว",
    "permission": "ขออภัย ท่านไม่มีสิทธิ์{action}",
    "invalid": "{message}",
    "link_code": "รหัสผูกบัญชีไม่ถูกต้องหรือหมดอายุแล้ว กรุณาขอรหัสใหม่จากผู้ดูแลระบบ",
    "conflict": "{message}",
}


class RegistryError(Exception):
    """Base of every error the register raises on purpose."""

    code = "error"

    def __init__(self, message_th: str, **detail: object) -> None:
        super().__init__(message_th)
        self.message_th = message_th
        self.detail = detail


class NotFound(RegistryError):
    code = "not_found"

    def __init__(self, what_th: str, ident: object = None) -> None:
        super().__init__(THAI["not_found"].format(what=what_th), ident=ident)


class UnitNotFound(NotFound):
    def __init__(self, ident: object) -> None:
        super().__init__(f"หน่วยงาน {ident}", ident)


class PersonNotFound(NotFound):
    def __init__(self, ident: object) -> None:
        super().__init__(f"ผู้ใช้ {ident}", ident)


class LetterNotFound(NotFound):
    def __init__(self, ident: object) -> None:
        super().__init__(f"หนังสือ {ident}", ident)


class AssignmentNotFound(NotFound):
    def __init__(self, ident: object) -> None:
        super().__init__(f"รายการส่งต่อ {ident}", ident)


class InvalidTransition(RegistryError):
    """The lifecycle table does not allow *action* from *state*."""

    code = "invalid_transition"

    def __init__(self, state: str, action: str) -> None:
        from registry.lifecycle import ACTION_TH, STATE_TH

        super().__init__(
            THAI["invalid_transition"].format(
                action=ACTION_TH.get(action, action), state=STATE_TH.get(state, state)
            ),
            state=state,
            action=action,
        )
        self.state = state
        self.action = action


class AlreadyDone(InvalidTransition):
    """The same action was already taken (a button pressed twice)."""

    code = "already_done"

    def __init__(self, state: str, action: str) -> None:
        from registry.lifecycle import ACTION_TH

        RegistryError.__init__(
            self, THAI["already_done"].format(action=ACTION_TH.get(action, action)), state=state, action=action
        )
        self.state = state
        self.action = action


class PermissionDenied(RegistryError):
    code = "permission"

    def __init__(self, action_th: str) -> None:
        super().__init__(THAI["permission"].format(action=action_th))


class InvalidInput(RegistryError):
    """A field's value is not acceptable; *field* names it."""

    code = "invalid"

    def __init__(self, field: str, message_th: str) -> None:
        super().__init__(THAI["invalid"].format(message=message_th), field=field)
        self.field = field


class LinkCodeInvalid(RegistryError):
    code = "link_code"

    def __init__(self) -> None:
        super().__init__(THAI["link_code"])


class Conflict(RegistryError):
    code = "conflict"
