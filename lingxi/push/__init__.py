"""§5 subscriptions and precise push (精准推送)."""
