"""Chat messages received from TAK (GeoChat): a searchable pane."""
