"""Benchmark data: Boston's real 2015 311 requests, as Gdańsk's categories.

Boston's categories, dates and resolution times are real (City of Boston,
ODC-PDDL; see fixtures/ATTRIBUTION.md); ``bench.database`` repeats them to the
benchmark's size and places them in Gdańsk's districts. Their Boston coordinates
mean nothing in Gdańsk and are not used.
"""

from __future__ import annotations

BOSTON_TO_MAPA = {
    "Street Light Outages": "street-light",
    "Pothole Repair (Internal)": "pothole",
    "Roadway Repair": "pothole",
    "BWSC Pothole": "pothole",
    "Sign Repair": "traffic-sign-signal",
    "Missing Sign": "traffic-sign-signal",
    "Traffic Signal Repair": "traffic-sign-signal",
    "Graffiti Removal": "graffiti-vandalism",
    "Illegal Posting of Signs": "graffiti-vandalism",
    "Sidewalk Repair (Make Safe)": "pavement",
    "Sidewalk Repair": "pavement",
    "Tree Maintenance Requests": "tree-greenery",
    "Tree Emergencies": "hazard",
    "Empty Litter Basket": "overflowing-bin",
    "Litter Basket Maintenance": "overflowing-bin",
    "Overflowing or Un-kept Dumpster": "overflowing-bin",
    "Abandoned Vehicles": "abandoned-vehicle",
    "Abandoned Bicycle": "abandoned-vehicle",
    "Animal Generic Request": "stray-animal",
    "Pick up Dead Animal": "injured-dead-animal",
    "Illegal Dumping": "litter-dump",
    "Trash on Vacant Lot": "litter-dump",
    "Improper Storage of Trash (Barrels)": "litter-dump",
    "Needle Pickup": "litter-dump",
    "Catchbasin": "drain-cover",
    "Unshoveled Sidewalk": "snow-ice",
    "Parks General Request": "street-furniture",
    "Rodent Activity": "other",  # no such category in Gdańsk: GCK triages it
    "Park Improvement Requests": "street-furniture",
}
