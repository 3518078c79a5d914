"""Pure Python rules of the business: no database, no UI."""
