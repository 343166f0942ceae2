"""Shipped programme templates (YAML), installed on first use."""
