"""The HTTP API for admins and auditors, the admin web pages, exports, manual and flowchart."""

from admin_api.app import install

__all__ = ["install"]
