"""The legal register: domain, persistence and the only writer of letters."""
