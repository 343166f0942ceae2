"""The demo province's programme, loaded by lingxi.kpi.demo."""
