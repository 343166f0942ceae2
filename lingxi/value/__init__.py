"""§3 patent value (专利价值评估)."""
