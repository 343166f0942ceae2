"""Reference tables for the parties package (plain Python data, so they ship with the code)."""
