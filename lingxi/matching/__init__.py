"""§5 supply–demand matching and licensee discovery (供需匹配)."""
