"""§4 enterprise files and demand lists (一企一档 · 需求清单)."""
