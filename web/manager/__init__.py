"""The programme manager's pages."""
