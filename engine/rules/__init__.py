"""Pure rules over engine data: closure, action lifecycle, access. No database, no HTTP."""
