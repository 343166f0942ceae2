"""Programme KPIs (绩效目标, SPEC.md §12): programmes as data, indicators computed from the platform's records with the
records behind every figure, target vs actual with status, manual adjustments kept apart, Excel in the programme's
own table layout."""
