"""Mapa Porządku: a 311-style service for reporting problems in the city."""
