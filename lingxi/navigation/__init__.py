"""§9 Patent navigation (专利导航, GB/T 39551-2020): analyses over a scope and reports of the five navigation types.

scope.py (what a report is about) → analyses/ (the figures, set-based) → service.py (stored NavigationReport rows) →
document.py + conclusions.py (sections, sentences from the numbers) → render_html / render_pdf / render_docx.
"""
