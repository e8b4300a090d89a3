"""Fakes of the ports (one per outside thing), shared by every test folder."""
