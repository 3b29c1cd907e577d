import sys

from tools.generate import main

sys.exit(main())
