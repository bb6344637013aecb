"""The programme manager's pages, one module per subject."""
