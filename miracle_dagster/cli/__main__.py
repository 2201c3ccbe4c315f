import sys

from miracle_dagster.cli import main

sys.exit(main())
