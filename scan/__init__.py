"""Reading pages: files in, text and drawings out. No database, no chat (ARCHITECTURE: scan/)."""
