"""Fault physics: behaviour declared on pods, nodes and volumes turned into real symptoms."""
