"""rolesim: a terminal role-play simulator for hiring customer-support staff."""

__version__ = "0.1.0"
