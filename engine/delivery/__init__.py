"""Sending notifications: the message a notification becomes, and the transports that carry it."""

from engine.delivery.mail import Outgoing, compose, message_id
from engine.delivery.smtp import LogTransport, SmtpTransport, Transport, transport_from_url

__all__ = ["Outgoing", "compose", "message_id", "Transport", "SmtpTransport", "LogTransport", "transport_from_url"]
