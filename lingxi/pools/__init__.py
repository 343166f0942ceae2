"""Patent pools and industrial IP alliances (专利池 · 产业知识产权联盟, SPEC §7)."""
