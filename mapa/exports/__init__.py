"""Unit exports: GeoJSON and CSV streamed from PostGIS, and folium briefing maps."""
