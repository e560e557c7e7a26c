"""The terminal screens: one client of the core among others."""
