"""Sending notifications: the message a notification becomes, and the transports that carry it."""

from engine.delivery.mail import Outgoing, compose, digest_key, message_id, single_key
from engine.delivery.smtp import LogTransport, SmtpTransport, Transport, transport_from_url

__all__ = ["Outgoing", "compose", "message_id", "single_key", "digest_key", "Transport", "SmtpTransport",
           "LogTransport", "transport_from_url"]
