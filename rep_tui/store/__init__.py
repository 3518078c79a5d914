"""The local store: SQLAlchemy models, the database, and the query functions
screens and the CLI read through. No Textual here."""
