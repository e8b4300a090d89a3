"""Exit 0 if the PostgreSQL at argv[1] accepts a connection within two seconds."""

import sys

import psycopg2
from sqlalchemy.engine import make_url

url = make_url(sys.argv[1])
try:
    psycopg2.connect(host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
                    dbname=url.database or "postgres", connect_timeout=2).close()
except Exception:  # any failure means "not reachable": the caller only needs yes or no
    sys.exit(1)
