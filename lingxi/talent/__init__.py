"""§10 talent–patent database (人才专利库): inventor disambiguation, talent profiles and talent lists per chain."""
