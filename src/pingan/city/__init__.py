"""City: road networks, places and the gazetteer of an imported OSM extract."""
