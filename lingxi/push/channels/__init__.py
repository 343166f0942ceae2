"""Delivery channels: the in-app inbox (always), e-mail (SMTP) and webhooks (signed HTTP POST)."""
